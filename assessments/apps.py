from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Actions 1–4: screening, preconditions, coordination, risk assessment"

    def ready(self):
        from assessments.services import ENGAGEMENT_STEP_EFFECTS
        from hrddp.step_effects import step_effects_attach

        # The core's steps do not import this Action: its records follow them through the attached effects.
        step_effects_attach(self.label, ENGAGEMENT_STEP_EFFECTS)
