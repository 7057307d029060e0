from django.apps import AppConfig


class MitigationConfig(AppConfig):
    name = "mitigation"
    verbose_name = "Action 5: mitigation"
