from django.apps import AppConfig


class HrddpConfig(AppConfig):
    name = "hrddp"
    verbose_name = "HRDDP core"

    def ready(self):
        from hrddp import signals  # noqa: F401
