from django.apps import AppConfig


class ApiConfig(AppConfig):
    # The REST API over /api/v1/: the records a user may see, the steps they may take, through the same
    # access module and services as the pages. It sits beside the portfolio and the imports, above every Action.
    name = "api"
    verbose_name = "REST API"
