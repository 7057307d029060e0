"""What a later Action's records do when the engagement takes a step.

The transitions, their roles and conditions are the core's (hrddp.models.engagements); the records a step opens or
closes belong to the Action that keeps them (the screening's suggested answers, a new assessment version, the plan's
core measures, the intervention case). Each app attaches its effects in its AppConfig.ready(), so the core imports
none of them and data flows one way.

An effect runs on django-fsm's pre_transition signal: inside the step's transaction, after its conditions passed,
right before the transition's own body and the change of state. An effect that raises refuses the step, and the
step's transaction rolls back whatever was written. Effects of one step run in the order of INSTALLED_APPS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django_fsm.signals import pre_transition

from hrddp.models import Engagement

# effect(engagement, *, by, justification): the keyword arguments every step is taken with.
Effect = Callable[..., object]


def step_effects_attach(app_label: str, effects: dict[str, Effect]) -> None:
    """Run effects[name] whenever the engagement takes the step `name`; called once from an app's ready()."""
    steps = {t.name for t in Engagement._meta.get_field("state").get_all_transitions(Engagement)}
    unknown = sorted(set(effects) - steps)
    if unknown:
        # A misspelt step would silently never run its effect.
        raise ImproperlyConfigured(f"{app_label}: no step of the engagement is called {', '.join(unknown)}.")

    def run(sender, instance, name, method_kwargs, **kwargs):
        effect = effects.get(name)
        if effect is not None:
            effect(instance, **method_kwargs)

    # dispatch_uid: ready() run twice (as some test runners do) attaches once.
    pre_transition.connect(run, sender=Engagement, weak=False, dispatch_uid=f"{app_label}.step_effects")
