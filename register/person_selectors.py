"""What the register shows of a person of interest: who they are, what is alleged against them, what became of
each allegation and what the authorities did about it, read in a fixed number of queries whatever the number
of allegations, sources, changes and steps.

The accountability record gives a finding from the data, not a sentence someone typed (P¶12(b)(ii),
P¶14(b)-(c), T/Action 5 §7): "No investigation or prosecution recorded 14 months after the allegation", or
"Investigation opened on 3 March 2026; Conviction on 9 May 2027".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from hrddp import access
from hrddp.models import CommandPeriod, PersonOfInterest, Role, User
from monitoring.models import Incident
from register.models import (
    ACTION_TAKEN,
    AccountabilityStep,
    AccountabilityStepKind,
    Allegation,
    AllegationStatus,
    AllegationStatusChange,
)
from register.services import allegation_moves

# What counts as the authorities acting on it: the model's steps, and an acquittal, which ends a prosecution.
ACTED = frozenset(ACTION_TAKEN)


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when less than a month has passed, or `end` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month) - (1 if end.day < start.day else 0)
    return max(months, 0)


def _months_text(months: int) -> str:
    if months == 0:
        return "less than a month"
    return f"{months} month{'s' if months != 1 else ''}"


@dataclass(frozen=True)
class AccountabilityFinding:
    """What the steps recorded say: whether the authorities acted, in words.

    `acted`: an investigation, prosecution, disciplinary or remedial action, conviction or acquittal is recorded.
    `months_without_action`: when none is, the whole months since the events (None when their date is unknown)."""

    text: str
    acted: bool
    months_without_action: int | None = None

    def __str__(self):
        return self.text


def _step_text(step: AccountabilityStep, *, undated: str = " (date not recorded)") -> str:
    label = AccountabilityStepKind(step.kind).label
    label = label.split(" (")[0]  # "Remedial action (e.g. ...)" reads "Remedial action" in a sentence
    return f"{label} on {long_date(step.taken_on)}" if step.taken_on else f"{label}{undated}"


def long_date(day: date) -> str:
    """3 March 2026."""
    return f"{day.day} {day:%B %Y}"


def _chronological(steps: Iterable[AccountabilityStep]) -> list[AccountabilityStep]:
    return sorted(steps, key=lambda s: (s.taken_on is None, s.taken_on or date.min, s.recorded_at, s.pk or 0))


def accountability_finding(
    steps: Iterable[AccountabilityStep], *, since: date | None, today: date | None = None, subject: str = "allegation",
) -> AccountabilityFinding:
    """The finding from the steps recorded on one allegation or incident (`subject` names it), counted from
    `since` (the date of the events). No query: the steps are those already read."""
    steps = _chronological(steps)
    acted = [step for step in steps if step.kind in ACTED]
    if acted:
        return AccountabilityFinding(text="; ".join(_step_text(step) for step in acted) + ".", acted=True)
    others = [_step_text(step, undated="") for step in steps]
    recorded = f" Recorded: {'; '.join(others)}." if others else ""
    if since is None:
        return AccountabilityFinding(
            text=f"No investigation or prosecution recorded; the date of the events is not known.{recorded}",
            acted=False,
        )
    months = months_between(since, today or timezone.localdate())
    return AccountabilityFinding(
        text=f"No investigation or prosecution recorded {_months_text(months)} after the {subject}.{recorded}",
        acted=False, months_without_action=months,
    )


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role or "—"


# --- The person's page ---------------------------------------------------------------------------------


def persons_visible(user: User) -> QuerySet[PersonOfInterest]:
    """The persons of interest of the recipients the user sees (their offices' countries; HQ: all)."""
    return access.scoped_by_country(PersonOfInterest.objects.all(), user, "recipient__country")


def person_for_page(user: User, pk) -> PersonOfInterest | None:
    """The person with their recipient's lineage, if the user sees them. One query."""
    return (
        persons_visible(user).select_related("recipient__parent__parent").filter(pk=pk).first()
    )


def allegations_with_record(allegations: QuerySet[Allegation]) -> QuerySet[Allegation]:
    """Allegations with their sources, status history and accountability steps, read in four queries."""
    return allegations.select_related("office", "recorded_by", "incident__recipient").prefetch_related(
        "sources",
        Prefetch("status_changes", queryset=AllegationStatusChange.objects.select_related("by").order_by("at", "pk")),
        Prefetch(
            "accountability_steps", queryset=AccountabilityStep.objects.select_related("recorded_by").order_by(
                "taken_on", "recorded_at", "pk"
            ),
        ),
    )


def allegations_for_page(
    allegations: QuerySet[Allegation], *, perms: RegisterPermissions | None = None, today: date | None = None,
) -> list[Allegation]:
    """Each allegation read with its record (allegations_with_record), and given `finding` (the accountability
    finding) and `allowed_moves` (the statuses the user of `perms` may move it to now; none without `perms`)."""
    rows = list(allegations_with_record(allegations))
    for allegation in rows:
        allegation.finding = accountability_finding(
            allegation.accountability_steps.all(),
            since=allegation.occurred_on or timezone.localtime(allegation.recorded_at).date(), today=today,
        )
        allegation.allowed_moves = perms.moves_for(allegation) if perms is not None else []
    return rows


@dataclass(frozen=True)
class RegisterPermissions:
    """What the user may do in the register of one country: record (persons, allegations, sources, steps,
    taking an allegation up for review) and decide (substantiate, not substantiate, clear, reopen)."""

    may_record: bool
    may_decide: bool

    @classmethod
    def of(cls, user: User, country: str) -> RegisterPermissions:
        return cls(
            may_record=access.may_record_in_register(user, country),
            may_decide=access.may_decide_allegation(user, country),
        )

    def may_move(self, allegation: Allegation, to_status: str) -> bool:
        """Taking a reported allegation up for review is a recorder's; every other move a decider's."""
        if to_status == AllegationStatus.UNDER_REVIEW and allegation.status == AllegationStatus.REPORTED:
            return self.may_record
        return self.may_decide

    def moves_for(self, allegation: Allegation) -> list[str]:
        return [status for status in allegation_moves(allegation) if self.may_move(allegation, status)]


def person_command_periods(person: PersonOfInterest) -> list[CommandPeriod]:
    """The person's command periods, latest start first, with the units' lineage. One query."""
    return list(person.command_periods.select_related("unit__parent__parent").order_by("-start_date", "-pk"))


# --- An incident's accountability record -----------------------------------------------------------------


def incident_for_register(user: User, pk) -> Incident | None:
    """An incident about a recipient the user sees (their offices' countries; HQ: all), with its recipient's
    lineage; only its public fields are shown from here. One query."""
    incidents = access.scoped_by_country(Incident.objects.all(), user, "recipient__country")
    return incidents.select_related("recipient__parent__parent", "engagement__office").filter(pk=pk).first()


def incident_steps(incident: Incident) -> list[AccountabilityStep]:
    return list(
        incident.accountability_steps.select_related("recorded_by").order_by("taken_on", "recorded_at", "pk")
    )
