from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Action 7: intervention and letters"

    def ready(self):
        from hrddp.step_effects import step_effects_attach
        from interventions.services import ENGAGEMENT_STEP_EFFECTS

        # The core's steps do not import this Action: its records follow them through the attached effects.
        step_effects_attach(self.label, ENGAGEMENT_STEP_EFFECTS)
