from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Actions 1–4: screening, preconditions, coordination, risk assessment"
