from django.apps import AppConfig


class MitigationConfig(AppConfig):
    name = "mitigation"
    verbose_name = "Action 5: mitigation"

    def ready(self):
        from hrddp.step_effects import step_effects_attach
        from mitigation.services import ENGAGEMENT_STEP_EFFECTS

        # The core's steps do not import this Action: its records follow them through the attached effects.
        step_effects_attach(self.label, ENGAGEMENT_STEP_EFFECTS)
