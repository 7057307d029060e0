"""An incident as its reader must see it: on a page, in the CSV export and in the PDF record (Action 6).

Victims', witnesses' and sources' details (CONFIDENTIAL_FIELDS) are read only by users granted the
engagement's confidential access (hrddp.access.may_see_confidential: a django-guardian object permission
the Chief of Mission grants, monitoring.confidential_access; superusers pass). No role carries it. Every
output — page, CSV export, PDF — shows an incident through `IncidentPresenter`, so redaction lives here
and nowhere else.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from common.csv_safety import csv_safe
from common.pdf import pdf_render, static_path_url
from hrddp import access
from hrddp.models import Engagement, User
from monitoring.incident_rules import incident_grade
from monitoring.incident_selectors import incident_commanders
from monitoring.models import CONFIDENTIAL_FIELDS, Incident

REDACTED = "Redacted — confidential access is granted per engagement"


# --- Presenting an incident: the one place that redacts --------------------------------------


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
            "grade": incident_grade(incident),
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

