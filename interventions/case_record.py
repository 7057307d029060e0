"""What the record of an intervention case holds (its incidents, units, persons and timeline of decisions,
letters and incidents), read in bounded queries for the case page and laid out as its PDF."""

from __future__ import annotations

from datetime import datetime, time

from django.template.loader import render_to_string
from django.utils import timezone

from common.pdf import pdf_render, static_path_url
from hrddp.models import Engagement
from interventions import intercession, letters
from interventions.models import InterventionCase, LetterKind

# The audit entries that make up a case's timeline, with how they read.
TIMELINE_ACTIONS = {
    "open_intercession": "Intercession opened; report to the Chief of Mission",
    "update_case_report": "Report to the Chief of Mission updated",
    "determine_grave_violation": "Grave violation determined on reliable information (P¶26)",
    "withdraw_determination": "Determination of a grave violation withdrawn",
    "record_intercession_made": "Intercession brought to the authorities (P¶26)",
    "set_course": "Course of action set",
    "record_course_of_action": "Course of action recorded",
    "set_suspension_evaluation": "Risks of suspending evaluated",
    "set_skip_reason": "Reason to skip suspension recorded",
    "write_critical_report": "Critical difficulty reported to the Chief of Mission and HQ (P¶25)",
    "record_governing_body_advised": "Governing body advised (P¶28)",
    "resolve": "Result A: violations addressed, support continues",
    "suspend": "Result B: support suspended",
    "resume": "Support resumed: violations addressed",
    "cease": "Support ceased",
}
CLOSING_ACTIONS = {"resolve", "resume", "cease"}
CASE_LETTER_KINDS = [LetterKind.INTERCESSION, LetterKind.SUSPENSION, LetterKind.RESUMPTION, LetterKind.CESSATION]


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def case_record(engagement: Engagement, case: InterventionCase) -> dict:
    """What the page and the PDF show of a case: incidents, units, persons and the timeline (bounded queries)."""
    incidents = list(
        case.incidents.select_related("recipient").prefetch_related("persons_implicated__recipient")
        .order_by("occurred_on", "pk")
    )
    units, persons = {}, {}
    for incident in incidents:
        units.setdefault(incident.recipient_id, incident.recipient)
        for person in incident.persons_implicated.all():
            persons.setdefault(person.pk, person)
    later = (
        engagement.intervention_cases.filter(opened_at__gt=case.opened_at)
        .order_by("opened_at").values_list("opened_at", flat=True).first()
    )
    entries = engagement.audit_entries.filter(at__gte=case.opened_at, action__in=TIMELINE_ACTIONS).select_related("actor")
    letters_qs = engagement.letters.filter(kind__in=CASE_LETTER_KINDS, created_at__gte=case.opened_at).select_related(
        "created_by", "issued_by"
    )
    if later is not None:
        entries, letters_qs = entries.filter(at__lt=later), letters_qs.filter(created_at__lt=later)
    timeline, actions = [], []
    for entry in sorted(entries, key=lambda e: (e.at, e.pk)):
        if actions and actions[-1] in CLOSING_ACTIONS:
            break  # the case is closed: later steps belong to the engagement, not to it
        actions.append(entry.action)
        what = TIMELINE_ACTIONS[entry.action]
        if entry.action == "update_case_report" and (entry.details or {}).get("mandate_critically_affected"):
            what = "Suspension flagged as critically affecting the mandate; HQ told to advise the governing body (P¶28)"
        timeline.append({
            "at": entry.at, "what": what, "who": entry.actor, "text": entry.justification,
            "kind": "decision",
        })
    case_letters = sorted(letters_qs, key=lambda letter: (letter.created_at, letter.pk))
    for letter in case_letters:
        timeline.append({
            "at": letter.created_at, "what": f"Letter {letter.reference} drafted: {letter.get_kind_display()}",
            "who": letter.created_by, "text": letter.subject, "kind": "letter", "letter": letter,
        })
        if letter.issued_at:
            timeline.append({
                "at": letter.issued_at, "what": f"Letter {letter.reference} issued", "who": letter.issued_by,
                "text": "", "kind": "letter", "letter": letter,
            })
        if letter.dispatched_on:
            timeline.append({
                "at": letter.dispatched_on, "what": f"Letter {letter.reference} dispatched",
                "who": None, "text": letter.dispatch_channel, "kind": "letter", "letter": letter, "date_only": True,
            })
    for incident in incidents:
        timeline.append({
            "at": incident.occurred_on, "what": f"Incident at {incident.place or 'an unrecorded place'}",
            "who": incident.recipient, "text": incident.description, "kind": "incident", "date_only": True,
        })
    timeline.sort(key=lambda item: _as_datetime(item["at"]))
    critical_reports = list(case.critical_reports.select_related("written_by").order_by("-written_at", "-pk"))
    return {
        "critical_reports": critical_reports,
        "case": case, "incidents": incidents, "units": list(units.values()), "persons": list(persons.values()),
        "timeline": timeline, "actions": actions, "letters": case_letters,
    }


def critical_report_render_pdf(engagement: Engagement, report) -> bytes:
    """One report to the decision makers (P¶25) as a PDF, on the letters' stylesheet."""
    html = render_to_string(
        "interventions/pdf/critical_report.html",
        {
            "engagement": engagement, "case": report.case, "report": report, "printed_at": timezone.now(),
            "stylesheets": [static_path_url(letters.LETTER_STYLESHEET)],
        },
    )
    return pdf_render(html)


def case_record_render_pdf(engagement: Engagement, case: InterventionCase) -> bytes:
    """The whole case record as one PDF, on the letters' stylesheet."""
    html = render_to_string(
        "interventions/pdf/case_record.html",
        {
            "engagement": engagement, "printed_at": timezone.now(), **case_record(engagement, case),
            **intercession.case_checklist(case),
            "communications": list(case.communications.select_related("recorded_by")),
            "stylesheets": [static_path_url(letters.LETTER_STYLESHEET)],
        },
    )
    return pdf_render(html)
