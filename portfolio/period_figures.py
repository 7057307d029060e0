"""What the portfolio report of a chosen period counts (P¶24); portfolio.period_report renders it.

Official reports "should cover support provided to non-United Nations security
forces, including the nature and scope of the support, measures employed to
ensure compliance with the 'due diligence' policy [...] and an assessment of the
impact of the support" (P¶24). This report gives those three for a period, over
the engagements the user may see (hrddp.access), optionally one office or one
country:

- nature and scope: the engagements whose support ran during the period, their
  recipients, activities, projects and budgets, and those still in assessment or
  awaiting a decision;
- risk: the final rating (Action 4) and the residual risk after mitigation (Action 5);
- measures employed: mitigation measures by type and status, those past due,
  exclusions of persons and units in force;
- impact: incidents of the period, the Box 6 counts, intercessions, suspensions,
  resumptions, cessations and closures, and letters issued.

It gives counts and identities of engagements only, never the confidential
details of incidents (victims, witnesses, sources) nor their descriptions.
Every section is one grouped query over the whole scope, so the report costs
the same number of queries whatever the size of the portfolio.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import AssessmentStatus, RiskAssessment, RiskRating
from hrddp import access
from hrddp.models import (
    ActivityType,
    AuditAction,
    AuditEntry,
    Delivery,
    Engagement,
    Office,
    RecipientCategory,
    Role,
    State,
    SupportActivity,
)
from interventions.models import Exclusion, Letter, LetterKind
from mitigation.models import MeasureStatus, MeasureType, MitigationMeasure
from monitoring.indicators import COUNT_FILTERS, COUNT_KEYS, COUNT_LABELS, SUPPORT_ENDED_STATES
from monitoring.models import Channel, Incident, VerificationStatus, ViolationCategory

# Due diligence under way before support starts: the risk assessment and the decisions on it.
PIPELINE_STATES = (State.ASSESSMENT, State.ENDORSEMENT, State.MITIGATION, State.APPROVAL)

# Action 7 decisions and the normal end of support, as the audit trail names them.
DECISIONS = [
    ("open_intercession", "Intercessions opened (P¶26)"),
    ("resolve", "Violations addressed, support continued (Result A)"),
    ("suspend", "Support suspended (P¶27)"),
    ("resume", "Support resumed"),
    ("cease", "Support ceased"),
    ("close", "Support closed at project end"),
]

NOT_RATED = "not_rated"
RISK_COLUMNS = [*RiskRating.choices, (NOT_RATED, "Not rated")]

# Short names of the support types for the engagement lines; the totals use the full labels.
ACTIVITY_SHORT_LABELS = {
    ActivityType.TRAINING: "Training and capacity-building (P¶8a)",
    ActivityType.DIGITAL_IDENTITY: "Digital identity",
    ActivityType.AUTHORITY_SUPPORT: "Support to authorities (P¶8b)",
    ActivityType.FINANCIAL: "Financial support (P¶8c)",
    ActivityType.LOGISTICAL: "Logistical support (P¶8d)",
    ActivityType.INFRASTRUCTURE: "Infrastructure",
    ActivityType.MATERIAL: "Material, equipment, transport",
    ActivityType.OPERATIONAL: "Operational support (P¶8e)",
    ActivityType.JOINT_OPERATIONS: "Joint operations (P¶8f)",
    ActivityType.LAW_TRAINING: "Exempt: law training (P¶9a)",
    ActivityType.STANDARD_SETTING: "Exempt: standard-setting (P¶9b)",
    ActivityType.COMPLIANCE_ENGAGEMENT: "Exempt: compliance engagement (P¶9c)",
    ActivityType.MEDIATION: "Exempt: mediation (P¶9d)",
    ActivityType.MEDEVAC: "Exempt: MEDEVAC or CASEVAC (P¶9e)",
}

NO_CATEGORY = "none"


# --- The report's parts ------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Table:
    """Counts with one row per office, type or category, and a column per kind."""

    columns: list[tuple[str, str]]
    rows: list[Row] = field(default_factory=list)

    @property
    def headings(self) -> list[str]:
        return [label for _, label in self.columns]

    @property
    def totals(self) -> list[int]:
        return [sum(row.values[i] for row in self.rows) for i in range(len(self.columns))]

    @property
    def total(self) -> int:
        return sum(self.totals)

    def get(self, row_key: str, column_key: str) -> int:
        index = [key for key, _ in self.columns].index(column_key)
        row = next((r for r in self.rows if r.key == row_key), None)
        return row.values[index] if row else 0

    def column_total(self, column_key: str) -> int:
        return self.totals[[key for key, _ in self.columns].index(column_key)]

    @property
    def column_totals(self) -> dict[str, int]:
        return {key: total for (key, _), total in zip(self.columns, self.totals)}


def _table(columns: list[tuple[str, str]], rows: list[tuple[str, str]], counts: dict[tuple[str, str], int]) -> Table:
    return Table(
        columns=columns,
        rows=[Row(key, label, [counts.get((key, column), 0) for column, _ in columns]) for key, label in rows],
    )


@dataclass
class ActivityTally:
    """One engagement's activities of one type: how many, and how many go through implementing partners."""

    activity_type: str
    label: str
    count: int = 0
    indirect: int = 0
    partners: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        if not self.indirect:
            return f"{self.label}: {self.count}"
        names = f" ({', '.join(self.partners)})" if self.partners else ""
        return f"{self.label}: {self.count}, {self.indirect} through an implementing partner{names}"


def _money(amounts: dict[str, Decimal]) -> list[str]:
    return [f"{amount:,.2f} {currency}" for currency, amount in sorted(amounts.items())]


@dataclass
class SupportLine:
    """One engagement whose support ran during the period."""

    engagement: Engagement
    state_at_end: str
    activities: list[ActivityTally]
    final_rating: str
    residual_risk: str

    @property
    def recipient_category(self) -> str:
        return self.engagement.recipient.get_category_display()

    @property
    def budget(self) -> str:
        project = self.engagement.project
        return _money({project.currency: project.budget})[0] if project.budget is not None else "not recorded"

    @property
    def final_rating_label(self) -> str:
        return dict(RISK_COLUMNS)[self.final_rating or NOT_RATED]

    @property
    def residual_risk_label(self) -> str:
        return dict(RISK_COLUMNS)[self.residual_risk or NOT_RATED]


@dataclass
class OfficeSupport:
    office: Office
    lines: list[SupportLine] = field(default_factory=list)

    @property
    def projects(self) -> int:
        return len({line.engagement.project_id for line in self.lines})

    @property
    def budget_totals(self) -> list[str]:
        return _money(_budgets(line.engagement.project for line in self.lines))


def _budgets(projects) -> dict[str, Decimal]:
    # A project funds several engagements: count its budget once.
    seen, totals = set(), defaultdict(Decimal)
    for project in projects:
        if project.pk in seen or project.budget is None:
            continue
        seen.add(project.pk)
        totals[project.currency] += project.budget
    return dict(totals)


@dataclass(frozen=True)
class PipelineLine:
    engagement: Engagement
    state_at_end: str


@dataclass(frozen=True)
class PastDueMeasure:
    office: str
    engagement_reference: str
    title: str
    measure_type: str
    due_date: date
    status: str


@dataclass(frozen=True)
class ExclusionLine:
    office: str
    engagement_reference: str
    excluded: str
    kind: str
    since: date


@dataclass
class IncidentSummary:
    """Incidents that occurred in the period; those found unfounded are counted apart."""

    counted: int
    unfounded: int
    grave_with_grounds: int
    by_category: Table
    by_channel: Table


@dataclass
class PeriodReport:
    start: date
    end: date
    office: Office | None
    country: str
    scope: str
    generated_at: datetime
    generated_by: str
    support: list[OfficeSupport]
    offices_without_support: list[Office]
    support_by_category: Table
    support_by_type: Table
    project_count: int
    budget_totals: list[str]
    pipeline: list[PipelineLine]
    risk_final: Table
    risk_residual: Table
    measures: Table
    measures_past_due: list[PastDueMeasure]
    exclusions_in_force: list[ExclusionLine]
    exclusions_recorded: int
    exclusions_lifted: int
    incidents: IncidentSummary
    indicators: Table
    decisions: Table
    letters: Table

    @property
    def engagements(self) -> list[SupportLine]:
        return [line for block in self.support for line in block.lines]

    @property
    def engagement_count(self) -> int:
        return len(self.engagements)

    @property
    def risk_rows(self) -> list[tuple[str, list[int], list[int]]]:
        """Each office's final and residual risk counts side by side (both tables have the same rows)."""
        return [(f.label, f.values, r.values) for f, r in zip(self.risk_final.rows, self.risk_residual.rows)]

    @property
    def period_text(self) -> str:
        return f"{self.start.day} {self.start:%B %Y} – {self.end.day} {self.end:%B %Y}"

    @property
    def filename(self) -> str:
        where = self.office.code if self.office else slugify(self.country) if self.country else "all"
        return f"portfolio-report-{self.start.isoformat()}-{self.end.isoformat()}-{where}.pdf"


# --- Which engagements ----------------------------------------------------------------------------


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as [since, until): from the first day's midnight to the midnight after the last day."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def _approved_by(until: datetime) -> Q:
    approved = Exists(AuditEntry.objects.filter(engagement=OuterRef("pk"), action=AuditAction.APPROVE_SUPPORT, at__lt=until))
    return Q(support_approved_at__lt=until) | Q(approved)


def engagements_supported_during(engagements: QuerySet[Engagement], *, start: date, end: date) -> QuerySet[Engagement]:
    """Of `engagements`, those whose support was approved by the period's end and had not ended before its
    start: monitoring.reports.engagements_active_during for any period. Support goes on through
    reassessment, intercession and suspension; it ends when the engagement is closed, ceased or declined."""
    since, until = _bounds(start, end)
    return engagements.filter(_approved_by(until)).exclude(state__in=SUPPORT_ENDED_STATES, state_changed_at__lt=since)


def _state_before(moment: datetime) -> Subquery:
    """The state an engagement was left in by its last recorded step before `moment`."""
    last = (
        AuditEntry.objects.filter(engagement=OuterRef("pk"), at__lt=moment).exclude(to_state="")
        .order_by("-at", "-pk").values("to_state")[:1]
    )
    return Subquery(last, output_field=CharField())


def _state_at_end(until: datetime) -> Coalesce:
    # Without a recorded step before the end, the engagement's own state stands.
    return Coalesce(_state_before(until), F("state"), output_field=CharField())


def _rating_at_end(until: datetime) -> Coalesce:
    """The final rating of the latest assessment decided (endorsed or declined) by the period's end."""
    decided = (
        RiskAssessment.objects.filter(
            engagement=OuterRef("pk"), status__in=[AssessmentStatus.ENDORSED, AssessmentStatus.DECLINED]
        )
        .filter(Q(decided_at__isnull=True) | Q(decided_at__lt=until))
        .order_by("-version").values("final_rating")[:1]
    )
    return Coalesce(Subquery(decided, output_field=CharField()), Value(""), output_field=CharField())


def engagements_in_due_diligence_during(
    engagements: QuerySet[Engagement], *, start: date, end: date
) -> QuerySet[Engagement]:
    """Of `engagements`, those not yet approved by the period's end that were in assessment or awaiting a
    decision (endorsement, mitigation plan, approval) at some time in the period."""
    since, until = _bounds(start, end)
    entered = Exists(
        AuditEntry.objects.filter(engagement=OuterRef("pk"), to_state__in=PIPELINE_STATES, at__gte=since, at__lt=until)
    )
    return (
        engagements.exclude(_approved_by(until))
        .annotate(state_at_start=_state_before(since))
        .filter(
            Q(state__in=PIPELINE_STATES, state_changed_at__lt=until) | Q(entered)
            | Q(state_at_start__in=PIPELINE_STATES)
        )
    )


def _state_label(value: str) -> str:
    return State(value).label if value in State.values else value


def _scope(*, user, office: Office | None, country: str) -> QuerySet[Engagement]:
    engagements = access.visible_engagements(user)
    if office is not None:
        engagements = engagements.filter(office=office)
    if country:
        engagements = engagements.filter(office__country=country)
    return engagements


# --- The sections -------------------------------------------------------------------------------------


def _office_rows(offices: dict[int, Office], ids) -> list[tuple[str, str]]:
    chosen = sorted((offices[i] for i in set(ids) if i in offices), key=lambda o: (o.name, o.pk))
    return [(o.code, o.name) for o in chosen]


def _code(offices: dict[int, Office], office_id: int) -> str:
    office = offices.get(office_id)
    return office.code if office else str(office_id)


def _activities(supported: QuerySet[Engagement]) -> dict[int, list[ActivityTally]]:
    rows = (
        SupportActivity.objects.filter(engagement__in=supported.values("pk"))
        .values("engagement_id", "activity_type", "delivery", "implementing_partner")
        .annotate(count=Count("pk"))
        .order_by("engagement_id", "activity_type", "implementing_partner")
    )
    tallies: dict[tuple[int, str], ActivityTally] = {}
    for row in rows:
        kind = row["activity_type"]
        tally = tallies.setdefault(
            (row["engagement_id"], kind), ActivityTally(kind, ACTIVITY_SHORT_LABELS.get(kind, kind))
        )
        tally.count += row["count"]
        if row["delivery"] == Delivery.INDIRECT:
            tally.indirect += row["count"]
            if row["implementing_partner"] and row["implementing_partner"] not in tally.partners:
                tally.partners.append(row["implementing_partner"])
    # In the order of the policy's list of support types.
    order = {value: n for n, value in enumerate(ActivityType.values)}
    found: dict[int, list[ActivityTally]] = defaultdict(list)
    for (engagement_id, _kind), tally in sorted(tallies.items(), key=lambda item: order.get(item[0][1], len(order))):
        found[engagement_id].append(tally)
    return found


def _support_by_type(activities: dict[int, list[ActivityTally]]) -> Table:
    columns = [
        ("engagements", "Engagements"), ("activities", "Activities"),
        ("direct", "Direct"), ("indirect", "Through an implementing partner"),
    ]
    counts: Counter = Counter()
    for tallies in activities.values():
        for t in tallies:
            counts[(t.activity_type, "engagements")] += 1
            counts[(t.activity_type, "activities")] += t.count
            counts[(t.activity_type, "direct")] += t.count - t.indirect
            counts[(t.activity_type, "indirect")] += t.indirect
    present = {kind for kind, _ in counts}
    return _table(columns, [(v, label) for v, label in ActivityType.choices if v in present], counts)


def _support_by_category(lines: list[SupportLine]) -> Table:
    counts = Counter((line.engagement.recipient.category, "engagements") for line in lines)
    # Several engagements may support one recipient.
    recipients = {(line.engagement.recipient.category, line.engagement.recipient_id) for line in lines}
    counts.update((category, "recipients") for category, _ in recipients)
    present = {category for category, _ in counts}
    return _table(
        [("engagements", "Engagements"), ("recipients", "Recipients")],
        [(v, label) for v, label in RecipientCategory.choices if v in present], counts,
    )


def _risk_tables(lines: list[SupportLine], offices: dict[int, Office]) -> tuple[Table, Table]:
    final, residual = Counter(), Counter()
    for line in lines:
        office = line.engagement.office.code
        final[(office, line.final_rating or NOT_RATED)] += 1
        residual[(office, line.residual_risk or NOT_RATED)] += 1
    rows = _office_rows(offices, (line.engagement.office_id for line in lines))
    return _table(RISK_COLUMNS, rows, final), _table(RISK_COLUMNS, rows, residual)


def _measures(supported: QuerySet[Engagement], *, end: date) -> tuple[Table, list[PastDueMeasure]]:
    measures = MitigationMeasure.objects.filter(plan__engagement__in=supported.values("pk"))
    counts = {
        (row["measure_type"], row["status"]): row["n"]
        for row in measures.values("measure_type", "status").annotate(n=Count("pk")).order_by()
    }
    table = _table(MeasureStatus.choices, MeasureType.choices, counts)
    past_due = (
        measures.filter(due_date__lte=end).exclude(status__in=[MeasureStatus.IN_PLACE, MeasureStatus.DROPPED])
        .select_related("plan__engagement__office")
        .order_by("plan__engagement__office__name", "due_date", "pk")
    )
    return table, [
        PastDueMeasure(
            m.plan.engagement.office.name, m.plan.engagement.reference, m.title,
            m.get_measure_type_display(), m.due_date, m.get_status_display(),
        )
        for m in past_due
    ]


def _exclusions(
    scope: QuerySet[Engagement], *, since: datetime, until: datetime
) -> tuple[list[ExclusionLine], int, int]:
    exclusions = Exclusion.objects.filter(engagement__in=scope.values("pk"))
    in_force = (
        exclusions.filter(excluded_at__lt=until)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=until))
        .select_related("engagement__office", "person__recipient", "unit__parent__parent")
        .order_by("engagement__office__name", "excluded_at", "pk")
    )
    lines = []
    for e in in_force:
        if e.person_id:
            excluded, kind = f"{e.person} ({e.person.recipient.name})", "Person"
        else:
            excluded, kind = str(e.unit), e.unit.get_level_display()
        since_day = timezone.localdate(e.excluded_at)
        lines.append(ExclusionLine(e.engagement.office.name, e.engagement.reference, excluded, kind, since_day))
    changes = exclusions.aggregate(
        recorded=Count("pk", filter=Q(excluded_at__gte=since, excluded_at__lt=until)),
        lifted=Count("pk", filter=Q(lifted_at__gte=since, lifted_at__lt=until)),
    )
    return lines, changes["recorded"], changes["lifted"]


def _incidents(scope: QuerySet[Engagement], *, start: date, end: date) -> IncidentSummary:
    # Only the classification is read: never the description, place, victims, witnesses or sources.
    rows = (
        Incident.objects.filter(engagement__in=scope.values("pk"), occurred_on__range=(start, end))
        .values_list("categories", "channel", "grave_violation", "substantial_grounds", "verification_status")
        .order_by()
    )
    columns = [("incidents", "Incidents"), ("grave", "Grave violations with substantial grounds")]
    by_category, by_channel = Counter(), Counter()
    counted = unfounded = grave = 0
    for categories, channel, is_grave, grounds, verification in rows:
        if verification == VerificationStatus.UNFOUNDED:
            unfounded += 1
            continue
        counted += 1
        with_grounds = bool(is_grave and grounds)
        grave += with_grounds
        for category in set(categories or []) or {NO_CATEGORY}:
            by_category[(category, "incidents")] += 1
            by_category[(category, "grave")] += with_grounds
        by_channel[(channel, "incidents")] += 1
        by_channel[(channel, "grave")] += with_grounds
    category_rows = [*ViolationCategory.choices, (NO_CATEGORY, "No category recorded")]
    return IncidentSummary(
        counted=counted, unfounded=unfounded, grave_with_grounds=grave,
        by_category=_table(columns, [r for r in category_rows if (r[0], "incidents") in by_category], by_category),
        by_channel=_table(columns, [r for r in Channel.choices if (r[0], "incidents") in by_channel], by_channel),
    )


def _indicator_counts(scope: QuerySet[Engagement], *, start: date, end: date, offices: dict[int, Office]) -> Table:
    """The five violation counts of Box 6 over the period, office by office (unfounded incidents not counted)."""
    rows = (
        Incident.objects.filter(engagement__in=scope.values("pk"), occurred_on__range=(start, end))
        .exclude(verification_status=VerificationStatus.UNFOUNDED)
        .values("engagement__office_id")
        .annotate(**{key: Count("pk", filter=condition) for key, condition in COUNT_FILTERS.items()})
        .order_by()
    )
    counts, ids = {}, []
    for row in rows:
        ids.append(row["engagement__office_id"])
        for key in COUNT_KEYS:
            counts[(_code(offices, row["engagement__office_id"]), key)] = row[key]
    return _table([(key, COUNT_LABELS[key]) for key in COUNT_KEYS], _office_rows(offices, ids), counts)


def _by_office_and(rows, column: str, columns, offices: dict[int, Office]) -> Table:
    counts, ids = {}, []
    for row in rows:
        ids.append(row["engagement__office_id"])
        counts[(_code(offices, row["engagement__office_id"]), row[column])] = row["n"]
    return _table(columns, _office_rows(offices, ids), counts)


def _decisions(scope: QuerySet[Engagement], *, since, until, offices) -> Table:
    rows = (
        AuditEntry.objects.filter(
            engagement__in=scope.values("pk"), action__in=[a for a, _ in DECISIONS], at__gte=since, at__lt=until
        )
        .values("engagement__office_id", "action").annotate(n=Count("pk")).order_by()
    )
    return _by_office_and(rows, "action", DECISIONS, offices)


def _letters(scope: QuerySet[Engagement], *, since, until, offices) -> Table:
    rows = (
        Letter.objects.filter(engagement__in=scope.values("pk"), issued_at__gte=since, issued_at__lt=until)
        .values("engagement__office_id", "kind").annotate(n=Count("pk")).order_by()
    )
    return _by_office_and(rows, "kind", LetterKind.choices, offices)


def _author(user, offices: dict[int, Office]) -> str:
    roles = []
    for role, office_id in access.memberships_of(user):
        label = Role(role).label if role in Role.values else role
        office = offices.get(office_id)
        roles.append(f"{label}, {office.name}" if office else label)
    name = user.get_full_name() or user.get_username()
    return f"{name} ({'; '.join(sorted(roles))})" if roles else name


def _scope_text(*, user, office: Office | None, country: str, covered: list[Office]) -> str:
    if office is not None:
        return f"{office.name} ({office.country})"
    names = ", ".join(o.name for o in covered) or "no office"
    if country:
        return f"{country}: {names}"
    if access.sees_every_office(user):
        return "All offices"
    return f"Every office the author sees: {names}"


# --- The report ------------------------------------------------------------------------------------------


def period_report_data(*, user, start: date, end: date, office: Office | None = None, country: str = "") -> PeriodReport:
    """The portfolio report of the period over what `user` may see, optionally one office or one country.

    Refuses PermissionDenied for an office the user does not see, and ValidationError for a period
    that ends before it starts or for an office and a country together."""
    if end < start:
        raise ValidationError({"end": "The period ends before it starts."})
    if office is not None and country:
        raise ValidationError("Choose an office or a country, not both.")
    visible = access.visible_offices(user)
    if office is not None and not visible.filter(pk=office.pk).exists():
        raise PermissionDenied("You may report only on the offices you see.")
    since, until = _bounds(start, end)
    scope = _scope(user=user, office=office, country=country)
    offices = {
        o.pk: o for o in Office.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=scope.values("office_id")))
    }
    # The offices reported on; an engagement of another office granted to the user brings its office in.
    covered = sorted(
        (o for o in offices.values() if (office is None or o.pk == office.pk) and (not country or o.country == country)),
        key=lambda o: (o.name, o.pk),
    )

    supported_base = engagements_supported_during(scope, start=start, end=end)
    supported = list(
        supported_base.select_related("office", "project", "recipient")
        .annotate(
            state_at_end=_state_at_end(until), rating_at_end=_rating_at_end(until),
            residual_at_end=F("mitigation_plan__residual_risk"),
        )
        .order_by("office__name", "reference")
    )
    activities = _activities(supported_base)
    blocks: dict[int, OfficeSupport] = {}
    for e in supported:
        blocks.setdefault(e.office_id, OfficeSupport(e.office)).lines.append(
            SupportLine(
                e, _state_label(e.state_at_end), activities.get(e.pk, []), e.rating_at_end or "", e.residual_at_end or "",
            )
        )
    lines = [line for block in blocks.values() for line in block.lines]
    pipeline = [
        PipelineLine(e, _state_label(e.state_at_end))
        for e in engagements_in_due_diligence_during(scope, start=start, end=end)
        .select_related("office", "recipient")
        .annotate(state_at_end=_state_at_end(until))
        .order_by("office__name", "reference")
    ]
    risk_final, risk_residual = _risk_tables(lines, offices)
    measures, past_due = _measures(supported_base, end=end)
    exclusions, recorded, lifted = _exclusions(scope, since=since, until=until)
    return PeriodReport(
        start=start, end=end, office=office, country=country,
        scope=_scope_text(user=user, office=office, country=country, covered=covered),
        generated_at=timezone.localtime(), generated_by=_author(user, offices),
        support=list(blocks.values()),
        offices_without_support=[o for o in covered if o.pk not in blocks],
        support_by_category=_support_by_category(lines), support_by_type=_support_by_type(activities),
        project_count=len({line.engagement.project_id for line in lines}),
        budget_totals=_money(_budgets(line.engagement.project for line in lines)),
        pipeline=pipeline, risk_final=risk_final, risk_residual=risk_residual,
        measures=measures, measures_past_due=past_due,
        exclusions_in_force=exclusions, exclusions_recorded=recorded, exclusions_lifted=lifted,
        incidents=_incidents(scope, start=start, end=end),
        indicators=_indicator_counts(scope, start=start, end=end, offices=offices),
        decisions=_decisions(scope, since=since, until=until, offices=offices),
        letters=_letters(scope, since=since, until=until, offices=offices),
    )
