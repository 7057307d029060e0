"""The quarterly indicators of the toolkit's Box 6 (T/Action 6): ten per engagement and quarter.

The five violation counts are computed from the incidents that occurred in the
quarter, by channel and classification; incidents whose verification found
them unfounded are not counted. The five mitigation-effectiveness figures are
entered by the project manager (IndicatorMeasurement, one per quarter).

Counting is done for many engagements and quarters at once, in one query
(grouped by engagement and quarter), so that pages and the quarterly job cost
the same whatever the number of engagements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from hrddp import access
from hrddp.models import AuditAction, AuditEntry, Engagement, State, User
from hrddp.services import audit_record
from monitoring.models import Channel, Incident, IndicatorMeasurement, VerificationStatus
from monitoring.quarters import Quarter, quarter_of

# --- The ten indicators, worded as Box 6 words them -----------------------------------

VIOLATIONS_HEADING = "To monitor violations perpetrated by IOM support recipients"
MITIGATION_HEADING = "To monitor effectiveness of mitigation (depending on type of mitigation developed)"
PERIOD_NOTE = "Over a three month period"
UNFOUNDED_NOTE = (
    "Incidents whose verification found them unfounded are not counted. "
    "Incidents are counted in the quarter in which they occurred."
)

COUNT_LABELS = {
    "grave_violations": "Number of incidents of grave human rights violations committed by recipients of IOM support",
    "beneficiary_reports": (
        "Number of human rights concerns/incidents reported by beneficiary population in relation to recipients "
        "of IOM support"
    ),
    "grievance_complaints": (
        "Number of complaints of human rights abuses received through established HRDD grievance mechanisms"
    ),
    "grave_public_source": (
        "Number of incidents of grave human rights violations committed by recipients of IOM support reported in "
        "public source materials"
    ),
    "grave_internal_protection": (
        "Number of incidents of grave human rights violations committed by recipients of IOM support reported "
        "internally through IOM human rights/protection"
    ),
}

FIGURE_LABELS = {
    "trained_can_describe_pct": (
        "Percentage of training recipients who can describe their responsibility to protect human rights"
    ),
    "beneficiaries_know_grievance_pct": (
        "Percentage of beneficiary population who report having knowledge of submitting grievances through "
        "established complaints system"
    ),
    "units_adopted_regulations": "Number of operational units that have adopted recommended regulations",
    "self_reports_of_misconduct": "Number of self-reports of misconduct within security force unit",
    "investigations_increase_pct": (
        "Percentage increase of cases of misconduct/violations investigated by oversight/accountability body"
    ),
}

# Which incidents each count takes (of those not found unfounded).
COUNT_FILTERS = {
    "grave_violations": Q(grave_violation=True),
    "beneficiary_reports": Q(channel=Channel.COMMUNITY_REPORT),
    "grievance_complaints": Q(channel=Channel.GRIEVANCE_MECHANISM),
    "grave_public_source": Q(grave_violation=True, channel=Channel.PUBLIC_SOURCE),
    "grave_internal_protection": Q(grave_violation=True, channel=Channel.INTERNAL_PROTECTION),
}

# The figures' kinds: a share of a population (0–100 %), a change (%), a number.
SHARE_FIELDS = ("trained_can_describe_pct", "beneficiaries_know_grievance_pct")
CHANGE_FIELDS = ("investigations_increase_pct",)
NUMBER_FIELDS = ("units_adopted_regulations", "self_reports_of_misconduct")
FIGURE_FIELDS = tuple(FIGURE_LABELS)
PERCENT_FIELDS = SHARE_FIELDS + CHANGE_FIELDS

# A decrease is a negative increase; nothing falls by more than all of it. The
# upper bound is what the model stores (6 digits, 2 decimals).
CHANGE_MIN, CHANGE_MAX = Decimal("-100"), Decimal("9999.99")


@dataclass(frozen=True)
class Counts:
    """The five violation counts of one engagement in one quarter."""

    grave_violations: int = 0
    beneficiary_reports: int = 0
    grievance_complaints: int = 0
    grave_public_source: int = 0
    grave_internal_protection: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{k: v + getattr(other, k) for k, v in self.as_dict().items()})


COUNT_KEYS = tuple(f.name for f in fields(Counts))
assert set(COUNT_KEYS) == set(COUNT_LABELS) == set(COUNT_FILTERS)


def _quarter_ranges(quarters: list[Quarter]) -> list[tuple[date, date]]:
    """Consecutive quarters merged into one date range each."""
    ranges: list[list[date]] = []
    for q in sorted(quarters):
        if ranges and ranges[-1][1] == q.previous().end:
            ranges[-1][1] = q.end
        else:
            ranges.append([q.start, q.end])
    return [(start, end) for start, end in ranges]


def indicator_counts(*, engagement_ids: Iterable[int], quarters: Iterable[Quarter]) -> dict[tuple[int, date], Counts]:
    """The five counts of every engagement in every quarter, keyed by (engagement id, quarter start) — one query.

    Every pair asked for is in the result (zero counts where nothing occurred)."""
    ids = sorted(set(engagement_ids))
    wanted = sorted(set(quarters))
    result = {(e, q.start): Counts() for e in ids for q in wanted}
    if not ids or not wanted:
        return result
    in_quarters = reduce(or_, (Q(occurred_on__range=r) for r in _quarter_ranges(wanted)))
    rows = (
        Incident.objects.filter(in_quarters, engagement_id__in=ids)
        .exclude(verification_status=VerificationStatus.UNFOUNDED)
        .annotate(quarter=TruncQuarter("occurred_on"))
        .values("engagement_id", "quarter")
        .annotate(**{key: Count("pk", filter=condition) for key, condition in COUNT_FILTERS.items()})
        .order_by()
    )
    for row in rows:
        start = row["quarter"]
        if isinstance(start, datetime):
            start = start.date()
        result[(row["engagement_id"], start)] = Counts(**{key: row[key] for key in COUNT_KEYS})
    return result


# --- When figures can be entered ----------------------------------------------------------

# Support has stopped for good (closed, ceased) or was refused on reassessment (declined).
SUPPORT_ENDED_STATES = (State.CLOSED, State.CEASED, State.DECLINED)


def support_started_on(engagement: Engagement) -> date | None:
    """The day support was first approved: the earliest 'approve_support' decision, or the recorded approval."""
    first = (
        AuditEntry.objects.filter(engagement=engagement, action=AuditAction.APPROVE_SUPPORT)
        .order_by("at").values_list("at", flat=True).first()
    )
    moments = [m for m in (first, engagement.support_approved_at) if m is not None]
    return timezone.localdate(min(moments)) if moments else None


def _support_starts(engagements: list[Engagement]) -> dict[int, date | None]:
    """support_started_on for many engagements — one query."""
    firsts = dict(
        AuditEntry.objects.filter(engagement_id__in=[e.pk for e in engagements], action=AuditAction.APPROVE_SUPPORT)
        .values("engagement_id").annotate(first=Min("at")).order_by().values_list("engagement_id", "first")
    )
    starts = {}
    for e in engagements:
        moments = [m for m in (firsts.get(e.pk), e.support_approved_at) if m is not None]
        starts[e.pk] = timezone.localdate(min(moments)) if moments else None
    return starts


def support_ended_on(engagement: Engagement) -> date | None:
    """The day support ended (closed or ceased), or None while it goes on."""
    if engagement.state in SUPPORT_ENDED_STATES and engagement.support_approved_at is not None:
        return timezone.localdate(engagement.state_changed_at)
    return None


def entry_refusal(*, engagement: Engagement, quarter: Quarter, started: date | None, today: date) -> str | None:
    """Why the figures of `quarter` cannot be entered for the engagement, or None when they can."""
    if started is None:
        return (
            "Support has not been approved: the quarterly indicators are entered from the quarter in which "
            "support is approved."
        )
    if quarter.start > today:
        return f"{quarter.label} has not started yet: figures are entered for a quarter that has started."
    if quarter.end < started:
        return (
            f"{quarter.label} ended before support was approved (on {started:%d %B %Y}): there is nothing to "
            "measure for it."
        )
    ended = support_ended_on(engagement)
    if ended is not None and quarter.start > ended:
        return f"Support ended on {ended:%d %B %Y}, before {quarter.label} started."
    return None


def entry_quarters(*, engagement: Engagement, started: date | None, today: date) -> list[Quarter]:
    """Every quarter whose figures can be entered, newest first."""
    if started is None:
        return []
    last = quarter_of(min(today, support_ended_on(engagement) or today))
    first = quarter_of(started)
    found, q = [], last
    while q >= first:
        found.append(q)
        q = q.previous()
    return found


def quarter_to_enter(*, engagement: Engagement, started: date | None, entered: set[date], today: date) -> Quarter | None:
    """The quarter whose figures the project manager should enter next: the latest quarter that has
    ended without figures, or else the current quarter if it has none; None when all are in."""
    open_quarters = entry_quarters(engagement=engagement, started=started, today=today)
    missing = [q for q in open_quarters if q.start not in entered]
    ended = [q for q in missing if q.end < today]
    if ended:
        return ended[0]
    return missing[0] if missing else None


# --- The table of the ten indicators --------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int | Decimal | None
    text: str

    @property
    def entered(self) -> bool:
        return self.value is not None


@dataclass
class Row:
    number: int
    key: str
    label: str
    computed: bool
    cells: list[Cell]


@dataclass
class IndicatorTable:
    """The ten indicators of one engagement for a quarter and the quarters before it (newest first)."""

    engagement: Engagement
    quarters: list[Quarter]
    counts: list[Row]
    figures: list[Row]
    measurements: dict[date, IndicatorMeasurement] = field(default_factory=dict)
    support_started: date | None = None

    @property
    def quarter(self) -> Quarter:
        return self.quarters[0]

    @property
    def previous_quarters(self) -> list[Quarter]:
        return self.quarters[1:]

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        return [(VIOLATIONS_HEADING, self.counts), (MITIGATION_HEADING, self.figures)]

    @property
    def rows(self) -> list[Row]:
        return self.counts + self.figures

    @property
    def measurement(self) -> IndicatorMeasurement | None:
        return self.measurements.get(self.quarter.start)

    def quarter_counts(self) -> Counts:
        """The five counts of the report's quarter (the first column)."""
        return Counts(**{row.key: row.cells[0].value for row in self.counts})

    @property
    def figures_entered(self) -> bool:
        return self.measurement is not None

    def columns(self) -> list[dict]:
        return [
            {"quarter": q, "measurement": self.measurements.get(q.start)} for q in self.quarters
        ]

    def value(self, key: str, quarter: Quarter | None = None):
        q = quarter or self.quarter
        row = next(r for r in self.rows if r.key == key)
        return row.cells[self.quarters.index(q)].value


NOT_ENTERED = "not entered"


def format_figure(key: str, value) -> str:
    if value is None:
        return NOT_ENTERED
    if key in PERCENT_FIELDS:
        text = format(Decimal(value).normalize(), "f")
        if key in CHANGE_FIELDS and Decimal(value) > 0:
            text = f"+{text}"
        return f"{text}%"
    return str(value)


def quarters_back(quarter: Quarter, count: int, *, not_before: date | None = None) -> list[Quarter]:
    """`quarter` and up to count-1 quarters before it, newest first, none ending before `not_before`."""
    found, q = [quarter], quarter
    while len(found) < count:
        q = q.previous()
        if not_before is not None and q.end < not_before:
            break
        found.append(q)
    return found


def indicator_tables(
    *, engagements: list[Engagement], quarter: Quarter, count: int = 4,
    counts: dict[tuple[int, date], Counts] | None = None,
) -> dict[int, IndicatorTable]:
    """The indicator table of each engagement for `quarter` and up to count-1 quarters before it
    (not before the quarter support was approved in) — three queries whatever the number of engagements,
    two when the counts are given."""
    if not engagements:
        return {}
    starts = _support_starts(engagements)
    columns = {e.pk: quarters_back(quarter, count, not_before=starts[e.pk]) for e in engagements}
    all_quarters = {q for qs in columns.values() for q in qs}
    if counts is None or any((e.pk, q.start) not in counts for e in engagements for q in columns[e.pk]):
        counts = indicator_counts(engagement_ids=[e.pk for e in engagements], quarters=all_quarters)
    measurements: dict[int, dict[date, IndicatorMeasurement]] = {}
    for m in IndicatorMeasurement.objects.filter(
        engagement_id__in=[e.pk for e in engagements], quarter_start__in=sorted(q.start for q in all_quarters)
    ).select_related("entered_by"):
        measurements.setdefault(m.engagement_id, {})[m.quarter_start] = m
    tables = {}
    for e in engagements:
        quarters = columns[e.pk]
        mine = measurements.get(e.pk, {})
        count_rows = [
            Row(
                number, key, COUNT_LABELS[key], True,
                [Cell(v, str(v)) for v in (getattr(counts[(e.pk, q.start)], key) for q in quarters)],
            )
            for number, key in enumerate(COUNT_KEYS, start=1)
        ]
        figure_rows = []
        for number, key in enumerate(FIGURE_FIELDS, start=len(COUNT_KEYS) + 1):
            values = [getattr(mine[q.start], key) if q.start in mine else None for q in quarters]
            figure_rows.append(Row(number, key, FIGURE_LABELS[key], False, [Cell(v, format_figure(key, v)) for v in values]))
        tables[e.pk] = IndicatorTable(e, quarters, count_rows, figure_rows, mine, starts[e.pk])
    return tables


def indicator_table(*, engagement: Engagement, quarter: Quarter | None = None, count: int = 4) -> IndicatorTable:
    """The ten indicators of one engagement: `quarter` (by default the current one) and the quarters before it."""
    quarter = quarter or quarter_of(timezone.localdate())
    return indicator_tables(engagements=[engagement], quarter=quarter, count=count)[engagement.pk]


# --- Entering the project manager's figures -----------------------------------------------


def _validate_figures(figures: dict, notes: str) -> dict:
    errors: dict[str, list[str]] = {}
    clean = {}
    for key in FIGURE_FIELDS:
        value = figures.get(key)
        if value is None or value == "":
            clean[key] = None
            continue
        if key in NUMBER_FIELDS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors[key] = ["Give a whole number, 0 or more."]
                continue
        else:
            try:
                value = Decimal(value).quantize(Decimal("0.01"))
            except (InvalidOperation, TypeError, ValueError):
                errors[key] = ["Give a number."]
                continue
            if key in SHARE_FIELDS and not (0 <= value <= 100):
                errors[key] = ["A percentage of people is between 0 and 100."]
                continue
            if key in CHANGE_FIELDS and not (CHANGE_MIN <= value <= CHANGE_MAX):
                errors[key] = ["Give the change in per cent, from -100 (all gone) up to 9999.99; a fall is negative."]
                continue
        clean[key] = value
    if not errors and all(v is None for v in clean.values()) and not (notes or "").strip():
        errors["__all__"] = [
            "Enter at least one figure, or say in the notes why none of them applies to this engagement's mitigation."
        ]
    if errors:
        raise ValidationError(errors)
    return clean


def _figure_text(key: str, value) -> str | None:
    return None if value is None else str(value)


def indicator_measurement_enter(
    *, engagement: Engagement, quarter: Quarter, figures: dict, notes: str = "", by: User, today: date | None = None,
) -> IndicatorMeasurement:
    """Record the project manager's five figures of a quarter (T/Box 6), or change those entered before.

    One record per engagement and quarter: entering a quarter again updates it.
    Refuses PermissionDenied to anyone but the office's project manager, and
    ValidationError for a quarter not open for entry or a figure out of range.
    Audited as 'enter_indicators'."""
    access.require_prepare(by, engagement, "Only the project manager of the office enters the quarterly indicators.")
    today = today or timezone.localdate()
    refusal = entry_refusal(engagement=engagement, quarter=quarter, started=support_started_on(engagement), today=today)
    if refusal:
        raise ValidationError(refusal)
    notes = (notes or "").strip()
    clean = _validate_figures(figures, notes)
    with transaction.atomic():
        current = (
            IndicatorMeasurement.objects.select_for_update()
            .filter(engagement=engagement, quarter_start=quarter.start).first()
        )
        previous = None
        if current is None:
            try:
                with transaction.atomic():
                    current = IndicatorMeasurement.objects.create(
                        engagement=engagement, quarter_start=quarter.start, notes=notes, entered_by=by,
                        entered_at=timezone.now(), **clean,
                    )
                created = True
            except IntegrityError:
                # Someone entered the same quarter at the same moment: update theirs.
                current = IndicatorMeasurement.objects.select_for_update().get(
                    engagement=engagement, quarter_start=quarter.start
                )
                created = False
        else:
            created = False
        if not created:
            previous = {key: _figure_text(key, getattr(current, key)) for key in FIGURE_FIELDS}
            previous["notes"] = current.notes
            for key, value in clean.items():
                setattr(current, key, value)
            current.notes = notes
            current.entered_by = by
            current.entered_at = timezone.now()
            current.save()
        entered = {key: _figure_text(key, clean[key]) for key in FIGURE_FIELDS}
        details = {"quarter": quarter.label, "figures": entered, "notes": notes}
        if previous is not None:
            details["previous"] = previous
            details["changed"] = [
                key for key in (*FIGURE_FIELDS, "notes") if previous[key] != (notes if key == "notes" else entered[key])
            ]
        verb = "Entered" if created else "Changed"
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.ENTER_INDICATORS,
            justification=f"{verb} the mitigation-effectiveness indicators of {quarter.label} (T/Box 6).",
            details=details,
        )
    return current
