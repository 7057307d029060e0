from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    # Files kept on the records of every Action (agreements, sources, photos, proof of measures, signed letters):
    # above the Actions it attaches to, and shown on their pages through the core's record panels.
    name = "evidence"
    verbose_name = "Evidence files"

    def ready(self):
        from evidence import panels

        panels.attach(self.label)
