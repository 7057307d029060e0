"""Exports of the lists to CSV and XLSX (django-import-export resources).

An export holds exactly the rows of the filtered list the user sees, and the
confidential details of an incident only where the user holds that
engagement's confidential access. Every text cell a spreadsheet would run as a
formula is neutralised (the library's own option only handles "=").
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from hrddp.models import Engagement, PersonOfInterest
from monitoring.incidents import REDACTED
from monitoring.models import CONFIDENTIAL_FIELDS, Incident, ViolationCategory

FORMATS = {"csv": CSV, "xlsx": XLSX}
# Rows read per query when related rows are prefetched (the library pages through the queryset).
CHUNK_SIZE = 5000
# Beyond this an export is refused with a request to narrow the filters: a spreadsheet of more rows
# is unusable, and building it would hold a worker for minutes.
MAX_ROWS = 100_000

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _day(day) -> str:
    return day.isoformat() if day else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


class SafeResource(resources.ModelResource):
    """Exports only: every cell passes through spreadsheet_safe."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [spreadsheet_safe(h) for h in super().get_export_headers(selected_fields)]


def _column(name: str, attribute: str | None = None) -> fields.Field:
    return fields.Field(column_name=name, attribute=attribute, readonly=True)


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

    class Meta:
        model = Engagement
        fields = ("reference", "title", "office", "country", "recipient", "recipient_category", "project", "state", "since", "assessed_risk", "residual_risk", "support_approved", "reassessment_flag")
        chunk_size = CHUNK_SIZE

    def dehydrate_recipient_category(self, e):
        return e.recipient.get_category_display()

    def dehydrate_state(self, e):
        return e.get_state_display()

    def dehydrate_since(self, e):
        return _when(e.state_changed_at)

    def dehydrate_assessed_risk(self, e):
        return _risk(e.assessed_risk)

    def dehydrate_residual_risk(self, e):
        return _risk(e.residual_risk)

    def dehydrate_support_approved(self, e):
        return _when(e.support_approved_at)

    def dehydrate_reassessment_flag(self, e):
        return e.reassessment_flag_reason if e.reassessment_flagged_at else ""


def _risk(value: str) -> str:
    return "" if value in ("", "none", None) else value


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

    class Meta:
        model = Incident
        fields = ("number", "engagement", "office", "occurred_on", "place", "recipient", "persons", "description", "categories", "channel", "grade", "verification", "grave_violation", "substantial_grounds", "escalated_at", "logged_at", "victims", "witnesses", "source_details")
        chunk_size = CHUNK_SIZE

    def __init__(self, *, confidential_engagement_ids: set[int] = frozenset(), **kwargs):
        super().__init__(**kwargs)
        self.confidential_engagement_ids = confidential_engagement_ids

    def dehydrate_occurred_on(self, i):
        return _day(i.occurred_on)

    def dehydrate_recipient(self, i):
        return str(i.recipient)

    def dehydrate_persons(self, i):
        return "; ".join(f"{p} ({p.recipient.name})" for p in i.persons_implicated.all())

    def dehydrate_categories(self, i):
        labels = dict(ViolationCategory.choices)
        return "; ".join(labels.get(c, c) for c in i.categories)

    def dehydrate_channel(self, i):
        return i.get_channel_display()

    def dehydrate_grade(self, i):
        return f"{i.source_reliability}{i.information_credibility}"

    def dehydrate_verification(self, i):
        return i.get_verification_status_display()

    def dehydrate_grave_violation(self, i):
        return _yes_no(i.grave_violation)

    def dehydrate_substantial_grounds(self, i):
        return _yes_no(i.substantial_grounds)

    def dehydrate_escalated_at(self, i):
        return _when(i.escalated_at)

    def dehydrate_logged_at(self, i):
        return _when(i.logged_at)

    def _confidential(self, i, name):
        return getattr(i, name) if i.engagement_id in self.confidential_engagement_ids else REDACTED

    def dehydrate_victims(self, i):
        return self._confidential(i, "victims")

    def dehydrate_witnesses(self, i):
        return self._confidential(i, "witnesses")

    def dehydrate_source_details(self, i):
        return self._confidential(i, "source_details")


assert {"victims", "witnesses", "source_details"} == set(CONFIDENTIAL_FIELDS)


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

    class Meta:
        from mitigation.models import MitigationMeasure as model

        fields = ("engagement", "office", "title", "measure_type", "nature", "owner", "due_date", "budget_line", "status", "from_gpraf", "review_notes")
        chunk_size = CHUNK_SIZE

    def dehydrate_measure_type(self, m):
        return m.get_measure_type_display()

    def dehydrate_nature(self, m):
        return m.get_nature_display()

    def dehydrate_due_date(self, m):
        return _day(m.due_date)

    def dehydrate_status(self, m):
        return m.get_status_display()

    def dehydrate_from_gpraf(self, m):
        return _yes_no(m.from_gpraf)


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

    class Meta:
        from interventions.models import Letter as model

        fields = ("reference", "engagement", "office", "kind", "language", "subject", "letter_date", "issued_by", "sha256", "dispatched_on", "dispatch_channel")
        chunk_size = CHUNK_SIZE

    def dehydrate_kind(self, letter):
        return letter.get_kind_display()

    def dehydrate_letter_date(self, letter):
        return _day(letter.letter_date)

    def dehydrate_issued_by(self, letter):
        return str(letter.issued_by) if letter.issued_by_id else ""

    def dehydrate_dispatched_on(self, letter):
        return _day(letter.dispatched_on)


class ExportTooLarge(Exception):
    def __init__(self, count: int):
        super().__init__(
            f"This export would hold {count:,} rows; at most {MAX_ROWS:,} can be exported at once. "
            "Narrow the filters (a period, an office) and export again."
        )


def confidential_engagement_ids(user) -> set[int]:
    """The engagements whose confidential incident details the user was granted (one query)."""
    granted = get_objects_for_user(
        user, "hrddp.view_confidential", klass=Engagement, with_superuser=True, accept_global_perms=False
    )
    return set(granted.values_list("pk", flat=True))


def list_export(*, kind: str, fmt: str, queryset: QuerySet, user) -> tuple[bytes | str, str, str]:
    """The rows of `queryset` as a CSV or XLSX file: (content, content type, file extension)."""
    count = queryset.count()
    if count > MAX_ROWS:
        raise ExportTooLarge(count)
    if kind == "incidents":
        resource = IncidentResource(confidential_engagement_ids=confidential_engagement_ids(user))
        queryset = queryset.prefetch_related(
            Prefetch("persons_implicated", queryset=PersonOfInterest.objects.select_related("recipient"))
        )
    else:
        resource = RESOURCES[kind]()
    dataset = resource.export(queryset)
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
}
