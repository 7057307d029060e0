"""Action 7: critical difficulties reported at once to the decision makers (P¶25), and the governing body
advised when a suspension critically affects the mandate (P¶28).

The project manager writes the report (the circumstances, the measures taken or
proposed to mitigate or remedy, recommendations for follow-up, the risk-assessment
elements concerned); it is sent at once to the Chief of Mission and HQ. The Chief
of Mission flags that suspending critically affects the mandate, with reasons, and
HQ is told the governing body must be advised; the Chief of Mission or HQ records
when it was. Each write is audited in the same transaction as the change.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import RiskElement
from hrddp import access
from hrddp.models import AuditAction, Notification, Role, User
from hrddp.notify import notify, people_of
from hrddp.services import audit_record
from interventions.models import CriticalDifficultyReport, InterventionCase

MAX_TEXT = 20000


def critical_report_pdf_url(report: CriticalDifficultyReport) -> str:
    return reverse("critical_report_pdf", args=[report.case.engagement_id, report.case_id, report.pk])


def _locked(case: InterventionCase) -> InterventionCase:
    return InterventionCase.objects.select_for_update().select_related("engagement", "engagement__office").get(pk=case.pk)


def _require_open(case: InterventionCase) -> None:
    if case.closed_at is not None:
        raise ValidationError("This intervention case is closed: its record no longer changes.")


@transaction.atomic
def critical_report_write(
    *, by: User, case: InterventionCase, circumstances: str, measures: str, recommendations: str, elements: list[str]
) -> CriticalDifficultyReport:
    """The project manager's report to the decision makers (P¶25), sent at once to the Chief of Mission and HQ."""
    access.require_prepare(by, case.engagement, "Only the project manager of the office writes the report to the decision makers.")
    case = _locked(case)
    engagement = case.engagement
    _require_open(case)
    texts = {
        "circumstances": (circumstances or "").strip(),
        "measures": (measures or "").strip(),
        "recommendations": (recommendations or "").strip(),
    }
    missing = {
        "circumstances": "Describe the circumstances of the critical difficulty.",
        "measures": "Say which measures were taken or are proposed to mitigate or remedy it.",
        "recommendations": "Give your recommendations for follow-up.",
    }
    errors = {name: missing[name] for name, text in texts.items() if not text}
    errors.update({
        name: f"Keep it under {MAX_TEXT:,} characters." for name, text in texts.items() if len(text) > MAX_TEXT
    })
    chosen = list(dict.fromkeys(str(e) for e in (elements or [])))
    if any(e not in RiskElement.values for e in chosen):
        errors["elements"] = "Choose elements of the risk assessment from the list."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    report = CriticalDifficultyReport.objects.create(
        case=case, **texts, elements=[e for e in RiskElement.values if e in chosen],
        written_by=by, written_at=now, sent_at=now,
    )
    url = critical_report_pdf_url(report)
    recipients = people_of([engagement], {Role.CHIEF_OF_MISSION, Role.HQ_HUMAN_RIGHTS})[engagement.pk]
    notify(
        recipients, key=f"critical-report:{report.pk}", kind=Notification.Kind.ESCALATION,
        title=f"Critical difficulty reported (P¶25): {engagement.reference}",
        body=(
            f"{engagement.reference} — {engagement.title}\n\n{by} reports a critical difficulty.\n\n"
            f"Circumstances: {texts['circumstances']}\n\nMeasures taken or proposed: {texts['measures']}\n\n"
            f"Recommendations for follow-up: {texts['recommendations']}"
        ),
        engagement=engagement, url=url,
    )
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.WRITE_CRITICAL_REPORT,
        justification=texts["circumstances"],
        details={
            "case": case.pk, "report": report.pk, "elements": report.elements,
            "sent_to": [u.pk for u in recipients],
        },
    )
    return report


def mandate_flag_set(case: InterventionCase, *, by: User, reason: str) -> list[User]:
    """Flag the locked case's mandate as critically affected and tell HQ the governing body must be advised, once;
    the callers check who may and write the audit entry. Returns who was told."""
    engagement = case.engagement
    case.mandate_critically_affected = True
    case.mandate_flag_reason = reason
    case.mandate_flagged_at = timezone.now()
    case.mandate_flagged_by = by
    case.save(update_fields=["mandate_critically_affected", "mandate_flag_reason", "mandate_flagged_at", "mandate_flagged_by"])
    hq = people_of([engagement], {Role.HQ_HUMAN_RIGHTS})[engagement.pk]
    notify(
        hq, key=f"mandate-flag:{case.pk}", kind=Notification.Kind.ESCALATION,
        title=f"The governing body must be advised (P¶28): {engagement.reference}",
        body=(
            f"{engagement.reference} — {engagement.title}\n\nThe Chief of Mission ({by}) flags that suspending support "
            f"critically affects the mandate: the governing body must be advised (P¶28).\n\n{reason}"
        ),
        engagement=engagement, url=reverse("case_detail", args=[engagement.pk, case.pk]),
    )
    return hq


@transaction.atomic
def case_mandate_flag(*, by: User, case: InterventionCase, reason: str) -> InterventionCase:
    """The Chief of Mission flags that suspending critically affects the mandate (P¶28); HQ is told the governing
    body must be advised. Audited as UPDATE_CASE_REPORT: the flag is part of the case's record."""
    access.require_decide(by, case.engagement, "Only the Chief of Mission flags that suspension critically affects the mandate.")
    case = _locked(case)
    engagement = case.engagement
    _require_open(case)
    if case.mandate_flagged_at is not None:
        raise ValidationError(
            f"The mandate was flagged as critically affected on {case.mandate_flagged_at:%d %b %Y}: HQ was told then."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say how suspending support critically affects the mandate."})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": f"Keep it under {MAX_TEXT:,} characters."})
    hq = mandate_flag_set(case, by=by, reason=reason)
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.UPDATE_CASE_REPORT, justification=reason,
        details={"case": case.pk, "mandate_critically_affected": True, "hq_notified": [u.pk for u in hq]},
    )
    return case


@transaction.atomic
def governing_body_advised_record(*, by: User, case: InterventionCase, advised_on: date, how: str) -> InterventionCase:
    """When and how the governing body was advised that suspension critically affects the mandate (P¶28)."""
    access.require_record_governing_body_advised(by, case.engagement)
    case = _locked(case)
    if not case.mandate_critically_affected:
        raise ValidationError("The mandate is not flagged as critically affected: there is nothing to advise yet.")
    if case.governing_body_advised_on is not None:
        raise ValidationError(f"The governing body was recorded as advised on {case.governing_body_advised_on:%d %b %Y}.")
    how = (how or "").strip()
    errors = {}
    if advised_on is None:
        errors["advised_on"] = "Give the date the governing body was advised."
    elif advised_on > timezone.localdate():
        errors["advised_on"] = "The date is in the future: record it once the governing body is advised."
    elif advised_on < timezone.localtime(case.opened_at).date():
        errors["advised_on"] = "The date is before the case was opened."
    if not how:
        errors["how"] = "Say how the governing body was advised (a note, a briefing, a report)."
    elif len(how) > MAX_TEXT:
        errors["how"] = f"Keep it under {MAX_TEXT:,} characters."
    if errors:
        raise ValidationError(errors)
    case.governing_body_advised_on = advised_on
    case.governing_body_advised_how = how
    case.governing_body_advised_recorded_by = by
    case.save(update_fields=["governing_body_advised_on", "governing_body_advised_how", "governing_body_advised_recorded_by"])
    audit_record(
        engagement=case.engagement, actor=by, action=AuditAction.RECORD_GOVERNING_BODY_ADVISED, justification=how,
        details={"case": case.pk, "advised_on": advised_on.isoformat()},
    )
    return case
