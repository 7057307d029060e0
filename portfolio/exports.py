"""Exports of the lists to CSV and XLSX (django-import-export resources).

An export holds exactly the rows of the filtered list the user sees, and the
confidential details of an incident only where the user holds that
engagement's confidential access. Every text cell a spreadsheet would run as a
formula is neutralised (the library's own option only handles "=").
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from common.csv_safety import csv_safe
from hrddp import access
from hrddp.models import AuditEntry, Engagement, RecipientCategory, State
from interventions.models import Letter, LetterKind
from mitigation.models import MeasureNature, MeasureStatus, MeasureType, MitigationMeasure
from monitoring.incident_output import REDACTED
from monitoring.models import CONFIDENTIAL_FIELDS, Channel, Incident, VerificationStatus, ViolationCategory
from portfolio.queries import NOT_RATED

# Rows read per query when related rows are prefetched (the library pages through the queryset).
CHUNK_SIZE = 5000
# Beyond this an export is refused with a request to narrow the filters: a spreadsheet of more rows
# is unusable, and building it would hold a worker for minutes.
MAX_ROWS = 100_000

def spreadsheet_safe(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (common.csv_safety, the
    rule of every export); numbers and dates pass as they are."""
    return csv_safe(value) if isinstance(value, str) else value


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _day(day) -> str:
    return day.isoformat() if day else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


class SafeResource(resources.ModelResource):
    """Exports only, from rows read with values(): every cell passes through spreadsheet_safe.

    Reading plain rows rather than model instances, and looking each column's reader up once per
    export rather than once per cell, makes an export of tens of thousands of rows take seconds."""

    # The values() paths a row needs; a column reads its attribute, or its dehydrate_<name>(row).
    paths: tuple[str, ...] = ()

    def rows(self, queryset: QuerySet):
        return queryset.values(*self.paths)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        getters = getattr(self, "_getters", None)
        if getters is None:
            getters = self._getters = [
                getattr(self, f"dehydrate_{self.get_field_name(field)}", None) or _key(field.attribute)
                for field in self.get_export_fields(selected_fields)
            ]
        return [spreadsheet_safe(get(instance)) for get in getters]

    def get_export_headers(self, selected_fields=None):
        return [spreadsheet_safe(h) for h in super().get_export_headers(selected_fields)]


def _key(path: str):
    def get(row):
        value = row.get(path)
        return "" if value is None else value

    return get


def _display(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value or "")


def _person(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username or ""


class FastXLSX(XLSX):
    """XLSX written row by row (openpyxl's write-only mode): the library's path sizes every column
    from every cell and holds the whole sheet in memory, several times slower on large lists."""

    def export_data(self, dataset, **kwargs):
        from io import BytesIO

        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(title="Export")
        sheet.freeze_panes = "A2"
        sheet.append(list(dataset.headers))
        for row in dataset:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", v) if isinstance(v, str) else v
                          for v in row])
        stream = BytesIO()
        book.save(stream)
        return stream.getvalue()


FORMATS = {"csv": CSV, "xlsx": FastXLSX}


def _column(name: str, attribute: str | None = None) -> fields.Field:
    return fields.Field(column_name=name, attribute=attribute, readonly=True)


def _risk(value: str) -> str:
    return "" if value in ("", NOT_RATED, None) else value


_state = _display(State.choices)
_category = _display(RecipientCategory.choices)
_channel = _display(Channel.choices)
_verification = _display(VerificationStatus.choices)
_violation = _display(ViolationCategory.choices)
_measure_type = _display(MeasureType.choices)
_nature = _display(MeasureNature.choices)
_measure_status = _display(MeasureStatus.choices)
_letter_kind = _display(LetterKind.choices)


class EngagementResource(SafeResource):
    reference = _column("Reference", "reference")
    title = _column("Engagement", "title")
    office = _column("Office", "office__name")
    country = _column("Country", "office__country")
    recipient = _column("Recipient", "recipient__name")
    recipient_category = _column("Recipient category")
    project = _column("Project", "project__code")
    state = _column("State")
    since = _column("In this state since")
    assessed_risk = _column("Assessed risk")
    residual_risk = _column("Residual risk")
    support_approved = _column("Support approved on")
    reassessment_flag = _column("Reassessment flagged")

    paths = (
        "reference", "title", "office__name", "office__country", "recipient__name", "recipient__category",
        "project__code", "state", "state_changed_at", "assessed_risk", "residual_risk", "support_approved_at",
        "reassessment_flagged_at", "reassessment_flag_reason",
    )

    class Meta:
        model = Engagement
        fields = (
            "reference", "title", "office", "country", "recipient", "recipient_category", "project", "state",
            "since", "assessed_risk", "residual_risk", "support_approved", "reassessment_flag",
        )
        chunk_size = CHUNK_SIZE

    def dehydrate_recipient_category(self, row):
        return _category(row["recipient__category"])

    def dehydrate_state(self, row):
        return _state(row["state"])

    def dehydrate_since(self, row):
        return _when(row["state_changed_at"])

    def dehydrate_assessed_risk(self, row):
        return _risk(row["assessed_risk"])

    def dehydrate_residual_risk(self, row):
        return _risk(row["residual_risk"])

    def dehydrate_support_approved(self, row):
        return _when(row["support_approved_at"])

    def dehydrate_reassessment_flag(self, row):
        return row["reassessment_flag_reason"] if row["reassessment_flagged_at"] else ""


class IncidentResource(SafeResource):
    """Incidents across engagements; the confidential columns hold the details only where the user
    was granted that engagement's confidential access."""

    number = _column("Incident", "pk")
    engagement = _column("Engagement", "engagement__reference")
    office = _column("Office", "engagement__office__name")
    occurred_on = _column("Date")
    place = _column("Place", "place")
    recipient = _column("Recipient or unit")
    persons = _column("Persons implicated")
    description = _column("Description", "description")
    categories = _column("Violation categories")
    channel = _column("Channel")
    grade = _column("Grade")
    verification = _column("Verification")
    grave_violation = _column("Grave violation")
    substantial_grounds = _column("Substantial grounds")
    escalated_at = _column("Escalated at")
    logged_at = _column("Logged at")
    victims = _column("Victims")
    witnesses = _column("Witnesses")
    source_details = _column("Source")

    paths = (
        "pk", "engagement_id", "engagement__reference", "engagement__office__name", "occurred_on", "place",
        "recipient__name", "recipient__parent__name", "recipient__parent__parent__name", "description",
        "categories", "channel", "source_reliability", "information_credibility", "verification_status",
        "grave_violation", "substantial_grounds", "escalated_at", "logged_at", *CONFIDENTIAL_FIELDS,
    )

    class Meta:
        model = Incident
        fields = (
            "number", "engagement", "office", "occurred_on", "place", "recipient", "persons", "description",
            "categories", "channel", "grade", "verification", "grave_violation", "substantial_grounds",
            "escalated_at", "logged_at", "victims", "witnesses", "source_details",
        )
        chunk_size = CHUNK_SIZE

    def __init__(self, *, confidential_engagement_ids: set[int] = frozenset(), **kwargs):
        super().__init__(**kwargs)
        self.confidential_engagement_ids = confidential_engagement_ids
        self.persons_of: dict[int, list[str]] = {}

    def rows(self, queryset):
        # Persons implicated, for every incident of the export at once: one query.
        through = Incident.persons_implicated.through
        persons = defaultdict(list)
        for incident_id, rank, name, unit in (
            through.objects.filter(incident__in=queryset.order_by().values("pk"))
            .order_by("personofinterest__full_name", "pk")
            .values_list("incident_id", "personofinterest__rank", "personofinterest__full_name",
                         "personofinterest__recipient__name")
        ):
            persons[incident_id].append(f"{rank} {name}".strip() + f" ({unit})")
        self.persons_of = persons
        return super().rows(queryset)

    def dehydrate_occurred_on(self, row):
        return _day(row["occurred_on"])

    def dehydrate_recipient(self, row):
        names = [row["recipient__parent__parent__name"], row["recipient__parent__name"], row["recipient__name"]]
        return " › ".join(n for n in names if n)

    def dehydrate_persons(self, row):
        return "; ".join(self.persons_of.get(row["pk"], ()))

    def dehydrate_categories(self, row):
        return "; ".join(_violation(c) for c in row["categories"] or ())

    def dehydrate_channel(self, row):
        return _channel(row["channel"])

    def dehydrate_grade(self, row):
        return f"{row['source_reliability']}{row['information_credibility']}"

    def dehydrate_verification(self, row):
        return _verification(row["verification_status"])

    def dehydrate_grave_violation(self, row):
        return _yes_no(row["grave_violation"])

    def dehydrate_substantial_grounds(self, row):
        return _yes_no(row["substantial_grounds"])

    def dehydrate_escalated_at(self, row):
        return _when(row["escalated_at"])

    def dehydrate_logged_at(self, row):
        return _when(row["logged_at"])

    def _confidential(self, row, name):
        return row[name] if row["engagement_id"] in self.confidential_engagement_ids else REDACTED

    def dehydrate_victims(self, row):
        return self._confidential(row, "victims")

    def dehydrate_witnesses(self, row):
        return self._confidential(row, "witnesses")

    def dehydrate_source_details(self, row):
        return self._confidential(row, "source_details")


class MeasureResource(SafeResource):
    engagement = _column("Engagement", "plan__engagement__reference")
    office = _column("Office", "plan__engagement__office__name")
    title = _column("Measure", "title")
    measure_type = _column("Type")
    nature = _column("Preventive or corrective")
    owner = _column("Owner", "owner")
    due_date = _column("Due")
    budget_line = _column("Budget line", "budget_line")
    status = _column("Status")
    from_gpraf = _column("GPRAF core measure")
    review_notes = _column("Effectiveness review", "review_notes")

    paths = (
        "plan__engagement__reference", "plan__engagement__office__name", "title", "measure_type", "nature",
        "owner", "due_date", "budget_line", "status", "from_gpraf", "review_notes",
    )

    class Meta:
        model = MitigationMeasure
        fields = (
            "engagement", "office", "title", "measure_type", "nature", "owner", "due_date", "budget_line",
            "status", "from_gpraf", "review_notes",
        )
        chunk_size = CHUNK_SIZE

    def dehydrate_measure_type(self, row):
        return _measure_type(row["measure_type"])

    def dehydrate_nature(self, row):
        return _nature(row["nature"])

    def dehydrate_due_date(self, row):
        return _day(row["due_date"])

    def dehydrate_status(self, row):
        return _measure_status(row["status"])

    def dehydrate_from_gpraf(self, row):
        return _yes_no(row["from_gpraf"])


class LetterResource(SafeResource):
    reference = _column("Reference", "reference")
    engagement = _column("Engagement", "engagement__reference")
    office = _column("Office", "engagement__office__name")
    kind = _column("Kind")
    language = _column("Language", "language")
    subject = _column("Subject", "subject")
    letter_date = _column("Letter date")
    issued_by = _column("Issued by")
    sha256 = _column("SHA-256", "sha256")
    dispatched_on = _column("Dispatched on")
    dispatch_channel = _column("Dispatch channel", "dispatch_channel")

    paths = (
        "reference", "engagement__reference", "engagement__office__name", "kind", "language", "subject",
        "letter_date", "issued_by__first_name", "issued_by__last_name", "issued_by__username", "sha256",
        "dispatched_on", "dispatch_channel",
    )

    class Meta:
        model = Letter
        fields = (
            "reference", "engagement", "office", "kind", "language", "subject", "letter_date", "issued_by",
            "sha256", "dispatched_on", "dispatch_channel",
        )
        chunk_size = CHUNK_SIZE

    def dehydrate_kind(self, row):
        return _letter_kind(row["kind"])

    def dehydrate_letter_date(self, row):
        return _day(row["letter_date"])

    def dehydrate_issued_by(self, row):
        return _person(row["issued_by__first_name"], row["issued_by__last_name"], row["issued_by__username"])

    def dehydrate_dispatched_on(self, row):
        return _day(row["dispatched_on"])


class AuditEntryResource(SafeResource):
    at = _column("When")
    actor = _column("Who")
    engagement = _column("Engagement", "engagement__reference")
    office = _column("Office", "engagement__office__name")
    action = _column("Action")
    from_state = _column("From")
    to_state = _column("To")
    justification = _column("Why", "justification")
    details = _column("Details")

    paths = (
        "at", "actor__first_name", "actor__last_name", "actor__username", "engagement__reference",
        "engagement__office__name", "action", "from_state", "to_state", "justification", "details",
    )

    class Meta:
        model = AuditEntry
        fields = ("at", "actor", "engagement", "office", "action", "from_state", "to_state", "justification", "details")
        chunk_size = CHUNK_SIZE

    def dehydrate_at(self, row):
        return _when(row["at"])

    def dehydrate_actor(self, row):
        return _person(row["actor__first_name"], row["actor__last_name"], row["actor__username"])

    def dehydrate_action(self, row):
        return str(AuditEntry(action=row["action"]).action_label)

    def dehydrate_from_state(self, row):
        return str(_state(row["from_state"])) if row["from_state"] else ""

    def dehydrate_to_state(self, row):
        return str(_state(row["to_state"])) if row["to_state"] else ""

    def dehydrate_details(self, row):
        return "; ".join(f"{key}: {value}" for key, value in audit_details(row["details"]))


def audit_details(details) -> list[tuple[str, str]]:
    """An entry's details as (what, value) pairs in words, for the page and the export."""
    if not isinstance(details, dict):
        return []
    pairs = []
    for key, value in details.items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value) or "—"
        elif isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "—"
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        pairs.append((key.replace("_", " ").capitalize(), str(value)))
    return pairs


class ExportTooLarge(Exception):
    def __init__(self, count: int):
        super().__init__(
            f"This export would hold {count:,} rows; at most {MAX_ROWS:,} can be exported at once. "
            "Narrow the filters (a period, an office) and export again."
        )


def _resource(kind: str, user):
    if kind == "incidents":
        return IncidentResource(confidential_engagement_ids=access.confidential_engagement_ids(user))
    return RESOURCES[kind]()


def _dataset(*, kind: str, queryset: QuerySet, user, progress=None):
    resource = _resource(kind, user)
    if progress is None:
        return resource.export(resource.rows(queryset))
    # In parts of CHUNK_SIZE rows, in the list's order, telling how far it got after each: the rows of a
    # part are those of consecutive primary keys of the ordered list.
    keys = list(queryset.values_list("pk", flat=True))
    progress(0, len(keys))
    dataset = resource.export(resource.rows(queryset.none()))
    for start in range(0, len(keys), CHUNK_SIZE):
        part = resource.export(resource.rows(queryset.filter(pk__in=keys[start:start + CHUNK_SIZE])))
        for row in part:
            dataset.append(row)
        progress(min(start + CHUNK_SIZE, len(keys)), len(keys))
    return dataset


def list_export(*, kind: str, fmt: str, queryset: QuerySet, user, progress=None) -> tuple[bytes | str, str, str]:
    """The rows of `queryset` as a CSV or XLSX file: (content, content type, file extension). `progress`,
    when given, is called with (rows done, rows in all) as the rows are read."""
    count = queryset.count()
    if count > MAX_ROWS:
        raise ExportTooLarge(count)
    dataset = _dataset(kind=kind, queryset=queryset, user=user, progress=progress)
    file_format = FORMATS[fmt]()
    content = file_format.export_data(dataset)
    if fmt == "csv":
        # A byte-order mark so that spreadsheets read the file as UTF-8.
        content = "\ufeff" + content
    return content, file_format.get_content_type(), file_format.get_extension()


RESOURCES = {
    "engagements": EngagementResource,
    "incidents": IncidentResource,
    "measures": MeasureResource,
    "letters": LetterResource,
    "audit": AuditEntryResource,
}
