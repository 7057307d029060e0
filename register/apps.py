from django.apps import AppConfig


class RegisterConfig(AppConfig):
    # What the UN knows about a recipient, read from every Action: its lineage and commanders, its exclusions,
    # the engagements with it. A top-level app, so that it may read interventions (exclusions) and anything below.
    name = "register"
    verbose_name = "Register: the record of each recipient"
