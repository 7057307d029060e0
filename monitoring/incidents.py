"""Action 6: incidents, the allegations against a recipient (T/Action 6, T/Box 6, P¶21(c)-(d), P¶25-26).

Logging and editing go through `incident_log` and `incident_update`: they
validate, save, write the audit entry and, when the incident gives
substantial grounds of a grave violation, alert the Chief of Mission and HQ
and flag the assessment (monitoring.escalation, P¶25) — all in one transaction.

Victims', witnesses' and sources' details (CONFIDENTIAL_FIELDS) are read only
by users granted the engagement's confidential access (hrddp.access.may_see_confidential:
a django-guardian object permission the Chief of Mission grants; superusers
pass). No role carries it. Every output — page, CSV export, PDF — shows an
incident through `IncidentPresenter`, so redaction lives here and nowhere else.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, Max, Prefetch, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from common.csv_safety import csv_safe
from common.pdf import pdf_render, static_path_url
from hrddp import access
from hrddp.models import (
    CommandPeriod,
    Engagement,
    PersonOfInterest,
    Recipient,
    RecipientLevel,
    State,
    User,
)
from hrddp.services import audit_record
from monitoring.escalation import incident_escalate
from monitoring.models import (
    CONFIDENTIAL_FIELDS,
    Channel,
    Incident,
    InformationCredibility,
    SourceReliability,
    VerificationStatus,
    ViolationCategory,
)

REDACTED = "Redacted — confidential access is granted per engagement"

# What a caller may set on an incident (persons implicated are passed apart).
PUBLIC_FIELDS = (
    "recipient", "occurred_on", "place", "description", "categories", "channel", "source_reliability",
    "information_credibility", "verification_status", "grave_violation", "substantial_grounds",
)
FIELDS = PUBLIC_FIELDS + CONFIDENTIAL_FIELDS
_TEXT_FIELDS = ("place", "description") + CONFIDENTIAL_FIELDS
_PLACE_MAX = Incident._meta.get_field("place").max_length
_LABELS = {name: Incident._meta.get_field(name).verbose_name for name in FIELDS}
_LABELS.update({"persons_implicated": "persons implicated", "categories": "violation categories"})


# --- What an incident may point at ---------------------------------------------------


def incident_recipients(engagement: Engagement) -> QuerySet[Recipient]:
    """The engagement's recipient, the force and command above it, and its commands and units."""
    recipient = engagement.recipient
    above = [r.pk for r in recipient.lineage()]
    return (
        Recipient.objects.filter(Q(pk__in=above) | Q(parent_id=recipient.pk) | Q(parent__parent_id=recipient.pk))
        .select_related("parent__parent")
        .annotate(depth=Case(
            When(level=RecipientLevel.FORCE, then=Value(0)), When(level=RecipientLevel.COMMAND, then=Value(1)),
            default=Value(2),
        ))
        .order_by("depth", "name")
    )


def _in_force(force: Recipient) -> Q:
    return Q(recipient_id=force.pk) | Q(recipient__parent_id=force.pk) | Q(recipient__parent__parent_id=force.pk)


def force_persons(engagement: Engagement) -> QuerySet[PersonOfInterest]:
    """The persons of interest of the engagement recipient's whole force (any command or unit of it)."""
    force = engagement.recipient.lineage()[0]
    return PersonOfInterest.objects.filter(_in_force(force)).select_related("recipient").order_by("full_name", "pk")


def incident_commanders(incident: Incident) -> list[CommandPeriod]:
    """Who held a command position over the incident's unit — and the commands above it — on the incident's date,
    from the dated command periods: the unit's own commanders first."""
    day = incident.occurred_on
    lineage = incident.recipient.lineage()
    depth = {r.pk: i for i, r in enumerate(lineage)}
    periods = (
        CommandPeriod.objects.filter(unit_id__in=list(depth), start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person", "unit")
    )
    return sorted(periods, key=lambda p: (-depth[p.unit_id], p.position, p.person.full_name))


# --- Checking what is recorded -----------------------------------------------------------


def _normalise(data: dict) -> dict:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not fields of an incident: {', '.join(sorted(unknown))}.")
    values = dict(data)
    for name in _TEXT_FIELDS:
        if name in values:
            values[name] = (values[name] or "").strip()
    if "categories" in values:
        chosen = set(values["categories"] or [])
        known = [c for c in ViolationCategory.values if c in chosen]
        values["categories"] = known + sorted(chosen - set(known))
    for name in ("grave_violation", "substantial_grounds"):
        if name in values:
            values[name] = bool(values[name])
    return values


def incident_problems(*, engagement: Engagement, values: dict, persons) -> dict[str, list[str]]:
    """What is wrong with an incident's values, by field, in words a project manager understands.

    `values` is a complete set of PUBLIC_FIELDS (as normalised by the services); rules whose
    input is missing are skipped, so a form can ask about what it could parse."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    recipient = values.get("recipient")
    if "recipient" in values:
        if recipient is None:
            add("recipient", "Choose the force, command or unit whose members are alleged to be involved.")
        elif not incident_recipients(engagement).filter(pk=recipient.pk).exists():
            add(
                "recipient",
                f"The allegation must concern {engagement.recipient}, the force or command above it, "
                "or one of its commands or units.",
            )
            recipient = None
    if "occurred_on" in values:
        occurred_on = values["occurred_on"]
        if occurred_on is None:
            add("occurred_on", "Give the date of the incident.")
        elif occurred_on > timezone.localdate():
            add("occurred_on", "The date of the incident cannot be in the future.")
    if "place" in values and len(values["place"]) > _PLACE_MAX:
        add("place", f"Keep the place to {_PLACE_MAX} characters.")
    if "description" in values and not values["description"]:
        add("description", "Describe what is alleged: what happened, to whom, by whom.")
    if "channel" in values and values["channel"] not in Channel.values:
        add("channel", "Choose the channel the allegation came through.")
    if "source_reliability" in values and values["source_reliability"] not in SourceReliability.values:
        add("source_reliability", "Grade the reliability of the source from A to F.")
    if "information_credibility" in values and values["information_credibility"] not in InformationCredibility.values:
        add("information_credibility", "Grade the credibility of the information from 1 to 6.")
    if "verification_status" in values and values["verification_status"] not in VerificationStatus.values:
        add("verification_status", "Choose where the verification stands.")
    categories = values.get("categories")
    if categories is not None:
        unknown = [c for c in categories if c not in ViolationCategory.values]
        if unknown:
            add("categories", f"Not a violation category of the policy: {', '.join(map(str, unknown))}.")
    grave, substantial = values.get("grave_violation"), values.get("substantial_grounds")
    if grave and categories is not None and not categories:
        add("categories", "An incident classified as a grave violation names at least one violation category.")
    if substantial and grave is False:
        add(
            "substantial_grounds",
            "Substantial grounds are recorded only for an incident classified as a grave violation.",
        )
    persons = list(persons or [])
    if persons and recipient is not None:
        force = recipient.lineage()[0]
        inside = set(
            PersonOfInterest.objects.filter(_in_force(force), pk__in=[p.pk for p in persons]).values_list("pk", flat=True)
        )
        outside = [str(p) for p in persons if p.pk not in inside]
        if outside:
            add("persons_implicated", f"Not a person of interest of {force.name}: {'; '.join(outside)}.")
    return errors


# --- Logging and editing -------------------------------------------------------------------


def _grade(incident: Incident) -> str:
    return f"{incident.source_reliability}{incident.information_credibility}"


def _summary(incident: Incident) -> str:
    categories = ", ".join(incident.category_labels()).lower() or "no violation category"
    text = (
        f"Incident of {incident.occurred_on:%d %B %Y} against {incident.recipient} "
        f"({categories}; graded {_grade(incident)}; {incident.get_verification_status_display().lower()})."
    )
    if incident.gives_substantial_grounds_of_grave_violation:
        text += " Classified as a grave violation with substantial grounds."
    elif incident.grave_violation:
        text += " Classified as a grave violation, without substantial grounds yet."
    return text


def _escalate(incident: Incident) -> bool:
    """Alert the Chief of Mission and HQ and flag the assessment, once per incident (P¶25)."""
    if not incident.gives_substantial_grounds_of_grave_violation:
        return False
    return incident_escalate(incident=incident) is not None


_ESCALATED = " The Chief of Mission and HQ were alerted (P¶25) and the risk assessment is flagged for reassessment."


def incident_log(*, engagement: Engagement, by: User, data: dict, persons) -> Incident:
    """Record an allegation against the engagement's recipient (or one of its commands or units).

    Raises PermissionDenied unless `by` prepares this engagement (its project manager), and
    ValidationError (by field) for what is wrong; nothing is saved then."""
    access.require_prepare(by, engagement, "Only the engagement's project manager logs incidents.")
    values = _normalise(data)
    persons = list(persons or [])
    full = {name: values.get(name) for name in PUBLIC_FIELDS}
    for name, default in (
        ("place", ""), ("description", ""), ("categories", []), ("source_reliability", SourceReliability.F),
        ("information_credibility", InformationCredibility.CANNOT_JUDGE),
        ("verification_status", VerificationStatus.UNVERIFIED), ("grave_violation", False),
        ("substantial_grounds", False),
    ):
        if full[name] is None:
            full[name] = default
    errors = incident_problems(engagement=engagement, values=full, persons=persons)
    if errors:
        raise ValidationError(errors)
    incident = Incident(engagement=engagement, logged_by=by, logged_at=timezone.now(), **full)
    for name in CONFIDENTIAL_FIELDS:
        setattr(incident, name, values.get(name, ""))
    with transaction.atomic():
        incident.save()
        incident.persons_implicated.set(persons)
        escalated = _escalate(incident)
        audit_record(
            engagement=engagement, actor=by, action="log_incident",
            justification=f"Logged: {_summary(incident)}" + (_ESCALATED if escalated else ""),
            details={
                "incident": incident.pk, "grave_violation": incident.grave_violation,
                "substantial_grounds": incident.substantial_grounds, "escalated": escalated,
            },
        )
    return incident


def incident_update(*, incident: Incident, by: User, data: dict, persons) -> Incident:
    """Change an incident. Fields absent from `data` stay as they are; so do the persons implicated when
    `persons` is None. Confidential details are changed only by someone granted confidential access.

    Escalates (once per incident) when the incident now gives substantial grounds of a grave violation."""
    engagement = incident.engagement
    access.require_prepare(by, engagement, "Only the engagement's project manager edits incidents.")
    values = _normalise(data)
    if any(name in values for name in CONFIDENTIAL_FIELDS) and not access.may_see_confidential(by, engagement):
        raise PermissionDenied("Only someone granted confidential access on this engagement changes those details.")
    with transaction.atomic():
        current = (
            # Lock the incident's row only: PostgreSQL cannot lock the nullable side of the joins.
            Incident.objects.select_for_update(of=("self",))
            .select_related("recipient__parent__parent")
            .get(pk=incident.pk, engagement=engagement)
        )
        current.engagement = engagement
        before = {name: getattr(current, name) for name in FIELDS}
        before_persons = set(current.persons_implicated.values_list("pk", flat=True))
        full = {name: values.get(name, before[name]) for name in PUBLIC_FIELDS}
        new_persons = list(persons) if persons is not None else list(current.persons_implicated.all())
        errors = incident_problems(engagement=engagement, values=full, persons=new_persons)
        if errors:
            raise ValidationError(errors)
        for name in FIELDS:
            if name in values:
                setattr(current, name, values[name])
        changed = [name for name in FIELDS if getattr(current, name) != before[name]]
        if {p.pk for p in new_persons} != before_persons:
            changed.append("persons_implicated")
        if not changed:
            return current
        current.save()
        if "persons_implicated" in changed:
            current.persons_implicated.set(new_persons)
        escalated = _escalate(current)
        # Names of the changed fields only: confidential values never reach the audit trail.
        audit_record(
            engagement=engagement, actor=by, action="update_incident",
            justification=(
                f"Changed the {', '.join(_LABELS[name] for name in changed)}. {_summary(current)}"
                + (_ESCALATED if escalated else "")
            ),
            details={"incident": current.pk, "changed": changed, "escalated": escalated},
        )
    return current


# --- Presenting an incident: the one place that redacts --------------------------------------


def incidents_for_output(engagement: Engagement) -> QuerySet[Incident]:
    """The engagement's incidents with everything a page, the CSV or the PDF shows, in a fixed number of queries."""
    return (
        Incident.objects.filter(engagement=engagement)
        .select_related("recipient__parent__parent", "logged_by")
        .prefetch_related(
            Prefetch("persons_implicated", queryset=PersonOfInterest.objects.select_related("recipient").order_by("full_name"))
        )
    )


def incidents_filtered(incidents: QuerySet[Incident], *, category: str = "", channel: str = "", grave: str = ""):
    """Narrow incidents to one violation category, one channel, and/or a classification."""
    if category:
        if connection.vendor == "postgresql":
            incidents = incidents.filter(categories__contains=[category])
        else:
            # JSON containment is not available everywhere: match the quoted value in the stored list.
            incidents = incidents.filter(categories__icontains=f'"{category}"')
    if channel:
        incidents = incidents.filter(channel=channel)
    if grave == "grave":
        incidents = incidents.filter(grave_violation=True)
    elif grave == "substantial":
        incidents = incidents.filter(grave_violation=True, substantial_grounds=True)
    elif grave == "not_grave":
        incidents = incidents.filter(grave_violation=False)
    return incidents


@dataclass(frozen=True)
class IncidentPresenter:
    """Shows the incidents of one engagement to one user: confidential details only with the grant."""

    engagement: Engagement
    confidential: bool

    @classmethod
    def for_user(cls, user, engagement: Engagement) -> IncidentPresenter:
        return cls(engagement=engagement, confidential=access.may_see_confidential(user, engagement))

    def present(self, incident: Incident) -> dict:
        if incident.engagement_id != self.engagement.pk:
            raise ValueError("The incident belongs to another engagement.")
        persons = [
            {"name": str(p), "unit": p.recipient.name, "pk": p.pk} for p in incident.persons_implicated.all()
        ]
        record = {
            "pk": incident.pk,
            "occurred_on": incident.occurred_on,
            "place": incident.place,
            "recipient": str(incident.recipient),
            "recipient_level": incident.recipient.get_level_display(),
            "persons": persons,
            "description": incident.description,
            "categories": incident.category_labels(),
            "channel": incident.get_channel_display(),
            "grade": _grade(incident),
            "source_reliability": incident.get_source_reliability_display(),
            "information_credibility": incident.get_information_credibility_display(),
            "verification_status": incident.verification_status,
            "verification": incident.get_verification_status_display(),
            "grave_violation": incident.grave_violation,
            "substantial_grounds": incident.substantial_grounds,
            "gives_substantial_grounds": incident.gives_substantial_grounds_of_grave_violation,
            "escalated_at": incident.escalated_at,
            "logged_by": str(incident.logged_by) if incident.logged_by_id else "",
            "logged_at": incident.logged_at,
            "confidential_visible": self.confidential,
            "redaction": "" if self.confidential else REDACTED,
        }
        for name in CONFIDENTIAL_FIELDS:
            record[name] = getattr(incident, name) if self.confidential else REDACTED
        return record


def incident_redacted(incident: Incident, user) -> dict:
    """One incident as `user` may see it (see IncidentPresenter)."""
    return IncidentPresenter.for_user(user, incident.engagement).present(incident)


# --- The CSV export ----------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


CSV_COLUMNS = [
    ("Incident", lambda r: r["pk"]),
    ("Date", lambda r: r["occurred_on"].isoformat()),
    ("Place", lambda r: r["place"]),
    ("Recipient or unit", lambda r: r["recipient"]),
    ("Persons implicated", lambda r: "; ".join(f"{p['name']} ({p['unit']})" for p in r["persons"])),
    ("Description", lambda r: r["description"]),
    ("Violation categories", lambda r: "; ".join(r["categories"])),
    ("Channel", lambda r: r["channel"]),
    ("Grade", lambda r: r["grade"]),
    ("Reliability of the source", lambda r: r["source_reliability"]),
    ("Credibility of the information", lambda r: r["information_credibility"]),
    ("Verification", lambda r: r["verification"]),
    ("Grave violation", lambda r: _yes_no(r["grave_violation"])),
    ("Substantial grounds", lambda r: _yes_no(r["substantial_grounds"])),
    ("Escalated at", lambda r: _when(r["escalated_at"])),
    ("Logged by", lambda r: r["logged_by"]),
    ("Logged at", lambda r: _when(r["logged_at"])),
    ("Victims", lambda r: r["victims"]),
    ("Witnesses", lambda r: r["witnesses"]),
    ("Source", lambda r: r["source_details"]),
]

def incidents_write_csv(stream, incidents, presenter: IncidentPresenter) -> None:
    writer = csv.writer(stream)
    writer.writerow([csv_safe(header) for header, _ in CSV_COLUMNS])
    for incident in incidents:
        record = presenter.present(incident)
        writer.writerow([csv_safe(cell(record)) for _, cell in CSV_COLUMNS])


# --- The PDF of one incident record ------------------------------------------------------------

# The letters' page and letterhead, and the record's own headings and labels.
INCIDENT_STYLESHEETS = ("css/letters.css", "css/incident.css")


def incident_html(*, incident: Incident, presenter: IncidentPresenter, by: User) -> str:
    return render_to_string(
        "monitoring/incident_pdf.html",
        {
            "engagement": presenter.engagement,
            "office": presenter.engagement.office,
            "record": presenter.present(incident),
            "commanders": incident_commanders(incident),
            "printed_at": timezone.localtime(),
            "printed_by": by,
            "stylesheets": [static_path_url(name) for name in INCIDENT_STYLESHEETS],
        },
    )


def incident_render_pdf(*, incident: Incident, presenter: IncidentPresenter, by: User) -> bytes:
    """One incident record as a PDF, redacted as its reader must see it."""
    return pdf_render(incident_html(incident=incident, presenter=presenter, by=by))


# --- Granting confidential access ------------------------------------------------------------


def _lock(engagement: Engagement) -> None:
    Engagement.objects.select_for_update().filter(pk=engagement.pk).values_list("pk", flat=True).first()


def confidential_access_grant(*, engagement: Engagement, user: User, by: User, reason: str) -> None:
    """Let one member of the office read the engagement's confidential incident details (need to know)."""
    if not access.may_grant_confidential(by, engagement):
        raise PermissionDenied("Only the Chief of Mission grants confidential access.")
    reason = (reason or "").strip()
    with transaction.atomic():
        # Grants and revocations of one engagement take its row lock, so two at once (a double click, two
        # Chiefs of Mission) are one after the other: the second sees the first and is refused.
        _lock(engagement)
        errors = {}
        if not access.confidential_access_candidates(engagement).filter(pk=user.pk).exists():
            errors["user"] = [f"Confidential access is granted to members of {engagement.office.name} only."]
        elif access.holds_confidential_grant(engagement, user):
            errors["user"] = [f"{user} already has confidential access on this engagement."]
        if not reason:
            errors["reason"] = ["Say why this person needs to read victims', witnesses' and sources' details."]
        if errors:
            raise ValidationError(errors)
        access.confidential_grant_add(engagement, user)
        audit_record(
            engagement=engagement, actor=by, action="grant_confidential_access",
            justification=f"Granted {user} access to the confidential details of incidents: {reason}",
            details={"user": user.pk},
        )


def confidential_access_revoke(*, engagement: Engagement, user: User, by: User, reason: str = "") -> None:
    """Withdraw one user's confidential access on the engagement."""
    if not access.may_grant_confidential(by, engagement):
        raise PermissionDenied("Only the Chief of Mission revokes confidential access.")
    reason = (reason or "").strip()
    with transaction.atomic():
        _lock(engagement)
        if not access.holds_confidential_grant(engagement, user):
            raise ValidationError({"user": [f"{user} has no confidential access on this engagement."]})
        access.confidential_grant_remove(engagement, user)
        audit_record(
            engagement=engagement, actor=by, action="revoke_confidential_access",
            justification=f"Withdrew {user}'s access to the confidential details of incidents"
            + (f": {reason}" if reason else "."),
            details={"user": user.pk},
        )


def intercession_warranted(engagement: Engagement) -> dict | None:
    """On active support, the incidents giving substantial grounds of a grave violation (P¶26): one query."""
    if engagement.state != State.ACTIVE:
        return None
    found = Incident.objects.filter(engagement=engagement, grave_violation=True, substantial_grounds=True).aggregate(
        count=Count("pk"), latest=Max("occurred_on")
    )
    return found if found["count"] else None


