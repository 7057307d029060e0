from django.apps import AppConfig


class RegisterConfig(AppConfig):
    # What the UN knows about a recipient, read from every Action: its lineage and commanders, its persons of
    # interest and the allegations against them, its exclusions, the engagements with it. It sits above the
    # Actions it reads (interventions' exclusions, monitoring's incidents) and lays its rules on the core's steps.
    name = "register"
    verbose_name = "Register: the record of each recipient"

    def ready(self):
        from register import alerts, panels, rules, screening_index

        rules.attach(self.label)  # the steps refused while a commander is flagged (P¶12(a)(iii), P¶16)
        alerts.attach(self.label)  # reassessment flags and notices when the facts change (P¶25)
        panels.attach(self.label)  # the record shown beside risk element 2 of an assessment (P¶14(a))
        screening_index.attach(self.label)  # the name index forgets itself when the register changes
