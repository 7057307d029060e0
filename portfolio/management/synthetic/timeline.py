"""The history of one synthetic engagement: the transitions that lead from
"open" to its state, their times, and what they imply for its records.

Pure functions of a random generator and the current time; nothing here
touches the database.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hrddp.lifecycle import all_transitions
from hrddp.models import State

# Most of a portfolio is support under way; the rest spreads over every other state.
STATE_WEIGHTS: dict[str, float] = {
    State.DRAFT: 2,
    State.SCREENING: 3,
    State.NOT_APPLICABLE: 3,
    State.PRECONDITIONS: 2,
    State.INELIGIBLE: 2,
    State.COORDINATION: 2,
    State.ASSESSMENT: 5,
    State.ENDORSEMENT: 5,
    State.DECLINED: 2,
    State.MITIGATION: 4,
    State.APPROVAL: 5,
    State.ACTIVE: 42,
    State.INTERCESSION: 4,
    State.SUSPENDED: 3,
    State.CEASED: 3,
    State.CLOSED: 9,
}

# Days a step takes after the one before it (lowest, highest).
GAP_DAYS: dict[str, tuple[float, float]] = {
    "start_screening": (0.5, 14),
    "conclude_applicable": (2, 20),
    "conclude_not_applicable": (2, 20),
    "fail_preconditions": (5, 40),
    "pass_preconditions": (5, 40),
    "complete_coordination": (3, 30),
    "submit_assessment": (10, 60),
    "return_assessment": (3, 25),
    "endorse": (2, 45),
    "endorse_plan_stands": (2, 30),
    "decline": (5, 45),
    "submit_plan": (7, 45),
    "return_plan": (3, 20),
    "approve_support": (3, 40),
    "start_reassessment": (300, 420),
    "open_intercession": (30, 400),
    "record_course_of_action": (2, 20),
    "resolve": (20, 90),
    "suspend": (10, 60),
    "resume": (30, 180),
    "cease": (30, 120),
    "close": (100, 700),
    "withdraw_request": (5, 60),
}

# Days since the last step, by the state it left the engagement in: decisions
# waiting for the Chief of Mission wait a while; active support runs long
# enough for yearly reassessments to fall due.
TAIL_DAYS: dict[str, tuple[float, float]] = {
    State.DRAFT: (0, 30),
    State.SCREENING: (0, 30),
    State.PRECONDITIONS: (0, 45),
    State.COORDINATION: (0, 45),
    State.ASSESSMENT: (0, 90),
    State.ENDORSEMENT: (1, 90),
    State.MITIGATION: (0, 90),
    State.APPROVAL: (1, 90),
    State.ACTIVE: (5, 700),
    State.INTERCESSION: (1, 60),
    State.SUSPENDED: (5, 200),
}
DEFAULT_TAIL_DAYS = (0, 600)

# The whole history fits in the last three years.
MAX_SPAN = timedelta(days=3 * 365 - 5)
MIN_GAP = timedelta(hours=1)

_EARLY = ["start_screening", "conclude_applicable", "pass_preconditions", "complete_coordination"]


@functools.cache
def _targets() -> dict[str, tuple[str, str]]:
    """Each transition's target state and whether the Chief of Mission takes it."""
    found = {}
    for info in all_transitions():
        found.setdefault(info.name, (info.target, info.who == "Chief of Mission"))
    return found


@dataclass(frozen=True)
class Step:
    action: str
    from_state: str
    to_state: str
    at: datetime
    by_com: bool


@dataclass(frozen=True)
class Timeline:
    state: str
    opened_at: datetime
    steps: tuple[Step, ...]

    @property
    def last_at(self) -> datetime:
        return self.steps[-1].at if self.steps else self.opened_at


def states_for(*, count: int, rng: random.Random) -> list[str]:
    """`count` states: each state once first (when there is room), then by weight."""
    states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
    if count < len(states):
        return rng.choices(states, weights=weights, k=count)
    chosen = states + rng.choices(states, weights=weights, k=count - len(states))
    rng.shuffle(chosen)
    return chosen


def _to_endorsement(rng: random.Random) -> list[str]:
    path = _EARLY + ["submit_assessment"]
    if rng.random() < 0.15:
        path += ["return_assessment", "submit_assessment"]
    return path


def _to_active(rng: random.Random) -> list[str]:
    path = _to_endorsement(rng) + ["endorse", "submit_plan"]
    if rng.random() < 0.1:
        path += ["return_plan", "submit_plan"]
    return path + ["approve_support"]


def _reassessment(rng: random.Random, *, until: str) -> list[str]:
    """A yearly reassessment of active support, stopped at `until` if it is on the way."""
    path = ["start_reassessment"]
    if until == State.ASSESSMENT:
        return path
    path += ["submit_assessment"]
    if until == State.ENDORSEMENT:
        return path
    if rng.random() < 0.7:
        return path + ["endorse_plan_stands"]
    return path + ["endorse", "submit_plan", "approve_support"]


def _active_history(rng: random.Random) -> list[str]:
    """Support approved, with now and then a reassessment or an intercession behind it."""
    path = _to_active(rng)
    roll = rng.random()
    if roll < 0.15:
        path += _reassessment(rng, until=State.ACTIVE)
    elif roll < 0.21:
        path += ["open_intercession", "record_course_of_action", "resolve"]
    elif roll < 0.24:
        path += ["open_intercession", "record_course_of_action", "suspend", "resume"]
    return path


def _withdrawn(rng: random.Random) -> list[str]:
    """A request withdrawn at some point before support started."""
    full = _to_active(rng)[:-1]
    prefixes = [full[:n] for n in range(len(full) + 1)]
    prefixes.append(_to_endorsement(rng) + ["decline"])
    return rng.choice(prefixes) + ["withdraw_request"]


def action_path(*, state: str, rng: random.Random) -> list[str]:
    """The transitions, in order, that lead a new request to `state`."""
    match state:
        case State.DRAFT:
            return []
        case State.SCREENING:
            return ["start_screening"]
        case State.NOT_APPLICABLE:
            return ["start_screening", "conclude_not_applicable"]
        case State.PRECONDITIONS:
            return _EARLY[:2]
        case State.INELIGIBLE:
            return _EARLY[:2] + ["fail_preconditions"]
        case State.COORDINATION:
            return _EARLY[:3]
        case State.ASSESSMENT | State.ENDORSEMENT:
            if rng.random() < 0.2:
                return _to_active(rng) + _reassessment(rng, until=state)
            path = _to_endorsement(rng)
            return path[:-1] if state == State.ASSESSMENT else path
        case State.DECLINED:
            return _to_endorsement(rng) + ["decline"]
        case State.MITIGATION:
            return _to_endorsement(rng) + ["endorse"]
        case State.APPROVAL:
            return _to_endorsement(rng) + ["endorse", "submit_plan"]
        case State.ACTIVE:
            return _active_history(rng)
        case State.INTERCESSION:
            course = ["record_course_of_action"] if rng.random() < 0.5 else []
            return _to_active(rng) + ["open_intercession"] + course
        case State.SUSPENDED:
            return _to_active(rng) + ["open_intercession", "record_course_of_action", "suspend"]
        case State.CEASED:
            if rng.random() < 0.7:
                return _to_active(rng) + ["open_intercession", "record_course_of_action", "suspend", "cease"]
            course = ["record_course_of_action"] if rng.random() < 0.5 else []
            return _to_active(rng) + ["open_intercession"] + course + ["cease"]
        case State.CLOSED:
            if rng.random() < 0.35:
                return _withdrawn(rng)
            return _active_history(rng) + ["close"]
    raise ValueError(f"Unknown state {state!r}")


def timeline_for(*, state: str, now: datetime, rng: random.Random) -> Timeline:
    """The dated history of an engagement now in `state`, ending before `now`."""
    actions = action_path(state=state, rng=rng)
    gaps = [timedelta(days=rng.uniform(*GAP_DAYS[a])) for a in actions]
    tail = timedelta(days=rng.uniform(*TAIL_DAYS.get(state, DEFAULT_TAIL_DAYS)))
    total = sum(gaps, timedelta()) + tail
    if total > MAX_SPAN:
        # Squeeze long histories into the window rather than dropping steps.
        factor = MAX_SPAN / total
        gaps = [max(g * factor, MIN_GAP) for g in gaps]
        tail = tail * factor
        total = sum(gaps, timedelta()) + tail
    opened_at = (now - total).replace(microsecond=0)
    steps, at, current = [], opened_at, State.DRAFT
    for action, gap in zip(actions, gaps):
        at = (at + gap).replace(microsecond=0)
        target, by_com = _targets()[action]
        if action in ("fail_preconditions", "close") and rng.random() < 0.4:
            by_com = True  # either role may take these
        steps.append(Step(action=action, from_state=current, to_state=target, at=at, by_com=by_com))
        current = target
    if current != state:
        raise AssertionError(f"The path to {state} ends in {current}")
    return Timeline(state=state, opened_at=opened_at, steps=tuple(steps))


# --- What the history implies -------------------------------------------------


@dataclass
class Version:
    """One version of the risk assessment, as the steps left it."""

    created_at: datetime
    status: str = "draft"
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    returned: bool = False
    plan_stands: bool = False


@dataclass
class Episode:
    """One intercession (Action 7), from opening to its result."""

    opened_at: datetime
    course_at: datetime | None = None
    suspended_at: datetime | None = None
    result: str = ""
    closed_at: datetime | None = None
    ended_by: str = ""


@dataclass
class History:
    versions: list[Version] = field(default_factory=list)
    plan_at: datetime | None = None
    endorsed_first_at: datetime | None = None
    plan_submitted_at: datetime | None = None
    first_approved_at: datetime | None = None
    approved_at: datetime | None = None
    declined_at: datetime | None = None
    support_until: datetime | None = None
    episodes: list[Episode] = field(default_factory=list)
    reached: set[str] = field(default_factory=set)

    @property
    def last_endorsed_at(self) -> datetime | None:
        endorsed = [v.decided_at for v in self.versions if v.status == "endorsed" and v.decided_at]
        return max(endorsed) if endorsed else None


def history_of(timeline: Timeline) -> History:
    """Walk the steps once and note what each leaves behind."""
    h = History(reached={State.DRAFT})
    for step in timeline.steps:
        h.reached.add(step.to_state)
        a, at = step.action, step.at
        if a in ("complete_coordination", "start_reassessment", "reconsider"):
            h.versions.append(Version(created_at=at))
            if h.plan_at is None:
                h.plan_at = at
        elif a == "submit_assessment":
            h.versions[-1].status, h.versions[-1].submitted_at = "submitted", at
        elif a == "return_assessment":
            h.versions[-1].status, h.versions[-1].decided_at, h.versions[-1].returned = "draft", at, True
        elif a in ("endorse", "endorse_plan_stands"):
            h.versions[-1].status, h.versions[-1].decided_at = "endorsed", at
            h.versions[-1].plan_stands = a == "endorse_plan_stands"
            h.endorsed_first_at = h.endorsed_first_at or at
        elif a == "decline":
            h.versions[-1].status, h.versions[-1].decided_at = "declined", at
            h.declined_at = at
        elif a == "submit_plan":
            h.plan_submitted_at = at
        elif a == "approve_support":
            h.first_approved_at = h.first_approved_at or at
            h.approved_at = at
        elif a == "open_intercession":
            h.episodes.append(Episode(opened_at=at))
        elif a == "record_course_of_action":
            h.episodes[-1].course_at = at
        elif a == "suspend":
            h.episodes[-1].suspended_at, h.episodes[-1].result = at, "B"
        elif a in ("resolve", "resume", "cease"):
            episode = h.episodes[-1]
            episode.result, episode.closed_at, episode.ended_by = ("A" if a == "resolve" else "B"), at, a
        if a in ("close", "cease") and h.first_approved_at is not None:
            h.support_until = at
    return h
