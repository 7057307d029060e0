"""The portfolio dashboard (domain.md section 7): HQ sees every office, an office its own engagements.

Every figure is a count of the same query the list behind it runs (portfolio.queries and the list
filters), and carries that list's URL. The dashboard costs the same number of queries whatever the
number of engagements: each section is one grouped query.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments.models import RiskRating
from hrddp import access
from hrddp.models import AuditEntry, Office, State
from monitoring.models import Channel, ViolationCategory
from portfolio import charts, queries

RISK_COLUMNS = [*RiskRating.choices, (queries.NOT_RATED, "Not stated")]
# The office table's columns: a stage, or a state of Action 7.
OFFICE_COLUMNS = [
    ("Being prepared", {"stage": "preparing"}, queries.PREPARING_STATES),
    ("Active", {"state": State.ACTIVE}, [State.ACTIVE]),
    ("Intercession", {"state": State.INTERCESSION}, [State.INTERCESSION]),
    ("Suspended", {"state": State.SUSPENDED}, [State.SUSPENDED]),
    ("Ended", {"stage": "ended"}, queries.ENDED_STATES),
]
EVENT_OFFICES_SHOWN = 6
# The stays whose length HQ watches most (how long endorsements and approvals take) come first.
WATCHED_STATES = [State.ENDORSEMENT, State.APPROVAL]


def list_url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


@dataclass
class Scope:
    """What the dashboard covers: the user's engagements, narrowed to an office or a country, and a period."""

    user: object
    start: date
    end: date
    office: Office | None = None
    country: str = ""

    @property
    def params(self) -> dict:
        return {"office": self.office.pk if self.office else "", "country": self.country}

    @property
    def period(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @property
    def report_url(self) -> str:
        """The P¶24 portfolio report of the same scope and period (an office, else a country)."""
        where = {"office": self.office.pk} if self.office else {"country": self.country}
        return list_url("portfolio_period_report", **self.period, **where)

    def narrow(self, qs: QuerySet, office_path: str) -> QuerySet:
        if self.office is not None:
            qs = qs.filter(**{office_path: self.office})
        if self.country:
            qs = qs.filter(**{f"{office_path}__country": self.country})
        return qs


@dataclass
class Cell:
    value: int
    url: str
    css: str = ""


@dataclass
class OfficeRow:
    office: Office
    cells: list[Cell]
    total: Cell


@dataclass
class Stay:
    state: str
    label: str
    completed: int
    median_days: float | None
    longest_days: float | None
    waiting_now: int
    waiting_longest_days: float | None
    url: str


@dataclass
class Dashboard:
    scope: Scope
    total: Cell
    by_state: charts.BarChart
    office_columns: list[str]
    office_rows: list[OfficeRow]
    risk_columns: list[str]
    heat_rows: list[OfficeRow]
    assessed_risk: charts.BarChart
    attention: list[tuple[str, Cell]]
    incidents_total: Cell
    incidents_by_channel: charts.StackedChart
    category_rows: list[tuple[str, list[Cell], Cell]]
    months: list[str]
    events: list[tuple[str, Cell, list[tuple[Office, Cell]], int]]  # label, total, top offices, others
    stays: list[Stay]
    notes: list[str] = field(default_factory=list)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, from the first day of the month eleven months back."""
    month = today.replace(day=1)
    for _ in range(11):
        month = (month - timedelta(days=1)).replace(day=1)
    return month, today


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _days(delta: timedelta) -> float:
    return round(delta.total_seconds() / 86400, 1)


def dashboard_build(*, scope: Scope, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    now = timezone.now()
    base = scope.params
    offices = access.visible_offices(scope.user).order_by("name", "pk")
    if scope.office is not None:
        offices = offices.filter(pk=scope.office.pk)
    if scope.country:
        offices = offices.filter(country=scope.country)
    offices = list(offices)
    engagements = scope.narrow(queries.engagements_for(scope.user), "office")

    # 1. States and offices, with the oldest change per state (how long the longest wait is): one query.
    by_office_state: dict[tuple[int, str], int] = {}
    oldest_in_state: dict[str, datetime] = {}
    state_totals: dict[str, int] = defaultdict(int)
    for row in (
        engagements.order_by().values("office_id", "state").annotate(n=Count("pk"), oldest=Min("state_changed_at"))
    ):
        by_office_state[(row["office_id"], row["state"])] = row["n"]
        state_totals[row["state"]] += row["n"]
        if row["state"] not in oldest_in_state or row["oldest"] < oldest_in_state[row["state"]]:
            oldest_in_state[row["state"]] = row["oldest"]
    total = sum(state_totals.values())
    by_state = charts.bars([
        charts.Bar(label=s.label, value=state_totals[s], url=list_url("engagement_list", state=s.value, **base))
        for s in State if state_totals.get(s)
    ])
    office_rows = []
    for office in offices:
        counts = [sum(by_office_state.get((office.pk, s), 0) for s in states) for _, _, states in OFFICE_COLUMNS]
        office_total = sum(by_office_state.get((office.pk, s), 0) for s in State)
        office_rows.append(OfficeRow(
            office=office,
            cells=[
                Cell(n, list_url("engagement_list", office=office.pk, **params))
                for n, (_, params, _) in zip(counts, OFFICE_COLUMNS)
            ],
            total=Cell(office_total, list_url("engagement_list", office=office.pk)),
        ))

    # 2. Risk: office × residual risk of the open engagements, and the assessed risk: one query.
    open_engagements = engagements.filter(state__in=queries.STAGES["open"][1])
    heat: dict[tuple[int, str], int] = defaultdict(int)
    assessed: dict[str, int] = defaultdict(int)
    for row in open_engagements.order_by().values("office_id", "assessed_risk", "residual_risk").annotate(n=Count("pk")):
        heat[(row["office_id"], row["residual_risk"])] += row["n"]
        assessed[row["assessed_risk"]] += row["n"]
    peak = max(heat.values(), default=0)
    heat_rows = [
        OfficeRow(
            office=office,
            cells=[
                Cell(
                    heat.get((office.pk, risk), 0),
                    list_url("engagement_list", office=office.pk, stage="open", residual=risk),
                    charts.heat_class(heat.get((office.pk, risk), 0), peak),
                )
                for risk, _ in RISK_COLUMNS
            ],
            total=Cell(
                sum(heat.get((office.pk, risk), 0) for risk, _ in RISK_COLUMNS),
                list_url("engagement_list", office=office.pk, stage="open"),
            ),
        )
        for office in offices
    ]
    assessed_risk = charts.bars([
        charts.Bar(
            label=label, value=assessed.get(risk, 0),
            url=list_url("engagement_list", stage="open", risk=risk, **base), css=f"risk-{risk}",
        )
        for risk, label in RISK_COLUMNS
    ])

    # 3. What needs attention: one count each.
    measures = scope.narrow(queries.measures_for(scope.user), "plan__engagement__office")
    attention = [
        (queries.OVERDUE["reassessment"], Cell(
            queries.engagements_overdue(engagements, "reassessment", today=today).count(),
            list_url("engagement_list", overdue="reassessment", **base),
        )),
        ("Mitigation measures past due, not in place", Cell(
            measures.filter(queries.measures_past_due_q(today=today)).count(),
            list_url("measure_overview", overdue="yes", **base),
        )),
        (queries.OVERDUE["decision"], Cell(
            engagements.filter(queries.decision_waiting_q()).count(),
            list_url("engagement_list", overdue="decision", **base),
        )),
    ]

    # 4. Incidents of the period by month, channel and category: two grouped queries.
    incidents = scope.narrow(queries.incidents_for(scope.user), "engagement__office").filter(
        occurred_on__gte=scope.start, occurred_on__lte=scope.end
    )
    months = _months(scope.start, scope.end)
    month_index = {m: i for i, m in enumerate(months)}

    # Grouped by day rather than by month: SQLite truncates dates in Python, row by row.
    per_channel: dict[str, list[int]] = {c: [0] * len(months) for c in Channel.values}
    for day, channel, n in incidents.order_by().values_list("occurred_on", "channel").annotate(n=Count("pk")):
        per_channel.setdefault(channel, [0] * len(months))[month_index[day.replace(day=1)]] += n
    # The categories are a JSON list: group by the list as stored, then count each category in it.
    per_category: dict[str, list[int]] = {c: [0] * len(months) for c in ViolationCategory.values}
    for day, categories, n in incidents.order_by().values_list("occurred_on", "categories").annotate(n=Count("pk")):
        for c in set(categories or ()):
            if c in per_category:
                per_category[c][month_index[day.replace(day=1)]] += n

    def month_params(m: date) -> dict:
        return {"start": max(m, scope.start).isoformat(), "end": min(_month_end(m), scope.end).isoformat()}

    month_labels = [m.strftime("%b %Y") for m in months]
    incidents_by_channel = charts.stacked_columns(
        labels=[m.strftime("%b") if len(months) > 6 else m.strftime("%b %Y") for m in months],
        column_urls=[list_url("incident_overview", **base, **month_params(m)) for m in months],
        series=[
            (label, per_channel[value], [
                list_url("incident_overview", channel=value, **base, **month_params(m)) for m in months
            ])
            for value, label in Channel.choices
        ],
    )
    category_peak = max((n for values in per_category.values() for n in values), default=0)
    category_rows = [
        (
            label,
            [Cell(n, list_url("incident_overview", category=value, **base, **month_params(m)),
                  charts.heat_class(n, category_peak))
             for n, m in zip(per_category[value], months)],
            Cell(sum(per_category[value]), list_url("incident_overview", category=value, **base, **scope.period)),
        )
        for value, label in ViolationCategory.choices
    ]
    incidents_total = Cell(
        sum(sum(v) for v in per_channel.values()), list_url("incident_overview", **base, **scope.period)
    )

    # 5. Decisions of Action 7 in the period, per office: one grouped query.
    decided = (
        AuditEntry.objects.filter(
            engagement__in=engagements.order_by().values("pk"), action__in=list(queries.EVENTS),
            at__date__gte=scope.start, at__date__lte=scope.end,
        )
        .order_by().values("action", "engagement__office_id").annotate(n=Count("engagement_id", distinct=True))
    )
    per_event: dict[str, dict[int, int]] = defaultdict(dict)
    for row in decided:
        per_event[row["action"]][row["engagement__office_id"]] = row["n"]
    office_by_pk = {o.pk: o for o in offices}
    events = []
    for action in ("suspend", "cease", "resume", "open_intercession", "resolve"):
        counts = per_event.get(action, {})
        events.append((
            queries.EVENTS[action],
            # Distinct engagements per office add up to the distinct engagements overall.
            Cell(sum(counts.values()), list_url("engagement_list", event=action, **base, **scope.period)),
            # The offices where it happened most; the total's list holds every one.
            [
                (office_by_pk[pk], Cell(n, list_url("engagement_list", event=action, office=pk, **scope.period)))
                for pk, n in sorted(
                    ((pk, n) for pk, n in counts.items() if pk in office_by_pk),
                    key=lambda item: (-item[1], office_by_pk[item[0]].name),
                )[:EVENT_OFFICES_SHOWN]
            ],
            max(0, len(counts) - EVENT_OFFICES_SHOWN),
        ))

    # 6. Time spent in each state: stays that ended in the period, from the audit trail (one query),
    # and who waits now (from section 1).
    stays = _stays(engagements, scope=scope, now=now, state_totals=state_totals, oldest_in_state=oldest_in_state)

    return Dashboard(
        scope=scope, total=Cell(total, list_url("engagement_list", **base)), by_state=by_state,
        office_columns=[label for label, _, _ in OFFICE_COLUMNS], office_rows=office_rows,
        risk_columns=[label for _, label in RISK_COLUMNS], heat_rows=heat_rows, assessed_risk=assessed_risk,
        attention=attention, incidents_total=incidents_total, incidents_by_channel=incidents_by_channel,
        category_rows=category_rows, months=month_labels, events=events, stays=stays,
    )


def _stay_lengths(engagements, *, scope: Scope) -> dict[str, list[float]]:
    """Days spent in each state, for stays that ended in the period.

    A stay begins with the entry that moved the engagement into a state and ends with the next entry that
    moved it out; entries that keep the state (e.g. recording a course of action) do not count. The window
    function LAG pairs each entry with the one before it in the database, so only the stays of the period
    (as numbers of days) come back, whatever the length of the audit trail."""
    scoped_sql, scoped_params = engagements.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        days = "EXTRACT(EPOCH FROM (at - prev_at)) / 86400.0"
    else:
        days = "julianday(at) - julianday(prev_at)"
    start = connection.ops.adapt_datetimefield_value(datetime.combine(scope.start, time.min, tzinfo=UTC))
    end = connection.ops.adapt_datetimefield_value(datetime.combine(scope.end, time.max, tzinfo=UTC))
    table = AuditEntry._meta.db_table
    sql = f"""
        SELECT from_state, {days} FROM (
            SELECT from_state, at, LAG(at) OVER (PARTITION BY engagement_id ORDER BY at, id) AS prev_at
            FROM {table}
            WHERE to_state <> '' AND from_state <> to_state AND at <= %s AND engagement_id IN ({scoped_sql})
        ) AS stays
        WHERE at >= %s AND prev_at IS NOT NULL
    """
    lengths: dict[str, list[float]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [end, *scoped_params, start])
        for state, length in cursor.fetchall():
            lengths[state].append(round(float(length), 1))
    return lengths


def _stays(engagements, *, scope: Scope, now, state_totals, oldest_in_state) -> list[Stay]:
    durations = _stay_lengths(engagements, scope=scope)
    order = WATCHED_STATES + [s for s in State if s not in WATCHED_STATES and s not in queries.ENDED_STATES]
    result = []
    for s in order:
        values = durations.get(s, [])
        waiting = state_totals.get(s, 0)
        if not values and not waiting:
            continue
        oldest = oldest_in_state.get(s)
        result.append(Stay(
            state=s, label=State(s).label, completed=len(values),
            median_days=round(statistics.median(values), 1) if values else None,
            longest_days=max(values) if values else None,
            waiting_now=waiting,
            waiting_longest_days=_days(now - oldest) if (waiting and oldest) else None,
            url=list_url("engagement_list", state=s, **scope.params),
        ))
    return result
