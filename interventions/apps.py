from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Action 7: intervention and letters"

    def ready(self):
        from hrddp.activity_rules import activity_target_rule_attach
        from hrddp.step_effects import step_effects_attach
        from interventions import intercession
        from interventions.exclusions import excluded_target_refusal
        from interventions.services import ENGAGEMENT_STEP_EFFECTS

        # The core's steps do not import this Action: its records follow them through the attached effects,
        # and no new activity of the core may go to a unit this Action excluded.
        step_effects_attach(self.label, ENGAGEMENT_STEP_EFFECTS)
        activity_target_rule_attach(self.label, excluded_target_refusal)
        # The policy's order on the decisions (P¶26–27) and the letters they are taken with.
        intercession.attach(self.label)
        intercession.connect(self.label)
