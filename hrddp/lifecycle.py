"""Reading the engagement state machine: what a user may do now, and why not."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from hrddp.guards import Guard
from hrddp.models import Engagement, State


@dataclass(frozen=True)
class TransitionInfo:
    name: str
    source: str
    target: str
    label: str
    who: str
    style: str


@dataclass
class TransitionChoice:
    info: TransitionInfo
    refusals: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.refusals


@functools.cache
def all_transitions() -> tuple[TransitionInfo, ...]:
    """Every (source, transition, target) of the engagement, in declaration order."""
    state_field = Engagement._meta.get_field("state")
    found = []
    for t in state_field.get_all_transitions(Engagement):
        found.append(
            TransitionInfo(
                name=t.name, source=t.source, target=t.target,
                label=t.custom.get("label", t.name), who=t.custom.get("who", ""), style=t.custom.get("style", "primary"),
            )
        )
    return tuple(found)


def transition_info(name: str) -> TransitionInfo | None:
    """The first declaration of a transition (labels are the same for every source)."""
    return next((info for info in all_transitions() if info.name == name), None)


def transition_from(engagement: Engagement, name: str):
    """The django-fsm transition called `name` out of the engagement's current state, if any."""
    method = getattr(engagement, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        return None
    return meta.get_transition(engagement.state)


def is_transition(name: str) -> bool:
    return transition_info(name) is not None


def may_attempt(engagement: Engagement, user, name: str) -> bool:
    """Whether the user's role allows this step on this engagement at all,
    whatever the current state (a wrong state is a refusal, not a 403)."""
    meta = getattr(getattr(engagement, name, None), "_django_fsm", None)
    if meta is None:
        return False
    return any(t.has_perm(engagement, user) for t in meta.transitions.values())


def refusal_reasons(engagement: Engagement, name: str) -> list[str]:
    """Why a transition cannot be taken now, in plain words (empty when it can)."""
    t = transition_from(engagement, name)
    if t is None:
        return [f"This cannot be done while the engagement is at '{State(engagement.state).label}'."]
    reasons: list[str] = []
    for condition in t.conditions:
        if isinstance(condition, Guard):
            reasons.extend(condition.refusals(engagement))
        elif not condition(engagement):
            reasons.append(f"A condition of '{t.custom.get('label', name)}' is not met.")
    return reasons


def choices_for(engagement: Engagement, user) -> list[TransitionChoice]:
    """The transitions out of the current state that this user's role allows,
    each with the reasons it is refused now (none for those it may take)."""
    choices = []
    for t in all_transitions():
        if t.source != engagement.state:
            continue
        fsm_transition = transition_from(engagement, t.name)
        if not fsm_transition.has_perm(engagement, user):
            continue
        choices.append(TransitionChoice(info=t, refusals=refusal_reasons(engagement, t.name)))
    return choices


def steps_by_others(engagement: Engagement, choices: list[TransitionChoice]) -> list[TransitionInfo]:
    """Steps out of the current state that other roles take (what the engagement waits for),
    given the user's own `choices_for` the engagement."""
    mine = {c.info.name for c in choices}
    return [t for t in all_transitions() if t.source == engagement.state and t.name not in mine]
