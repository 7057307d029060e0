"""Action 7: what is written on an intervention case between its transitions (T/Box 7).

The project manager's report to the Chief of Mission, the course of action the
Chief of Mission agrees, the evaluation of the risks of suspending (P¶21(g),
P¶28) and why suspension is skipped. The transitions (record_course_of_action,
resolve, suspend, resume, cease) then stamp and close the case. Every change is
audited in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hrddp import access
from hrddp.models import AuditAction, State, User
from hrddp.services import audit_record
from interventions.models import InterventionCase
from mitigation.models import MeasureNature, MeasureStatus, MeasureType, MitigationMeasure, MitigationPlan


def _require_open(case: InterventionCase) -> None:
    if case.closed_at is not None:
        raise ValidationError("This intervention case is closed: its record no longer changes.")


def _require_decider(user: User, case: InterventionCase, what: str) -> None:
    access.require_decide(user, case.engagement, f"Only the Chief of Mission {what}.")


def _require_intercession(case: InterventionCase, what: str) -> None:
    if case.engagement.state != State.INTERCESSION:
        raise ValidationError(f"{what} only while the office is interceding (the engagement is not in intercession).")


def _locked(case: InterventionCase) -> InterventionCase:
    return InterventionCase.objects.select_for_update().select_related("engagement").get(pk=case.pk)


@transaction.atomic
def case_update_report(*, case: InterventionCase, by: User, report: str, incident_ids: list[int]) -> InterventionCase:
    """The report to the Chief of Mission and the incidents it covers (PM or COM, while the case is open)."""
    engagement = case.engagement
    if not access.may_prepare_or_decide(by, engagement):
        raise PermissionDenied("Only the project manager or the Chief of Mission writes the report.")
    case = _locked(case)
    _require_open(case)
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": "Write the report to the Chief of Mission."})
    ids = {int(i) for i in incident_ids}
    incidents = list(engagement.incidents.filter(pk__in=ids))
    if len(incidents) != len(ids):
        raise ValidationError({"incidents": "Choose incidents of this engagement only."})
    if not incidents:
        raise ValidationError({"incidents": "Choose at least one incident the report is about."})
    case.report = report
    case.save(update_fields=["report"])
    case.incidents.set(incidents)
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.UPDATE_CASE_REPORT, justification=report,
        details={"case": case.pk, "incidents": sorted(i.pk for i in incidents)},
    )
    return case


@transaction.atomic
def case_set_course(
    *, case: InterventionCase, by: User, strengthen_mitigation: bool, report_to_oversight: bool,
    communicate_with_focal_point: bool, exclude_individuals_or_units: bool, course_notes: str,
    corrective_measures: list[str], measure_type: str = MeasureType.ACCOUNTABILITY,
) -> InterventionCase:
    """The course of action agreed with the Chief of Mission (T/Box 7), before it is recorded.

    Strengthening mitigation adds each listed corrective measure, planned, to
    the engagement's mitigation plan (a title already there is not repeated).
    """
    _require_decider(by, case, "sets the course of action")
    case = _locked(case)
    _require_open(case)
    _require_intercession(case, "The course of action is set")
    if case.course_recorded_at is not None:
        raise ValidationError(
            f"The course of action was recorded on {case.course_recorded_at:%d %b %Y}: it is part of the record now."
        )
    courses = {
        "strengthen_mitigation": bool(strengthen_mitigation), "report_to_oversight": bool(report_to_oversight),
        "communicate_with_focal_point": bool(communicate_with_focal_point),
        "exclude_individuals_or_units": bool(exclude_individuals_or_units),
    }
    if not any(courses.values()):
        raise ValidationError("Choose at least one course of action.")
    titles = [t.strip() for t in corrective_measures if t and t.strip()]
    if titles and not strengthen_mitigation:
        raise ValidationError(
            {"corrective_measures": "Corrective measures go with 'Strengthen mitigation measures': tick it or leave them out."}
        )
    if strengthen_mitigation and not titles and not (course_notes or "").strip():
        raise ValidationError(
            {"corrective_measures": "Name the corrective measures that strengthen mitigation (one a line)."}
        )
    if measure_type not in MeasureType.values:
        raise ValidationError({"measure_type": "Choose a type of measure."})
    for name, value in courses.items():
        setattr(case, name, value)
    case.course_notes = (course_notes or "").strip()
    case.save(update_fields=[*courses, "course_notes"])
    created = []
    if strengthen_mitigation and titles:
        plan, _ = MitigationPlan.objects.get_or_create(engagement=case.engagement)
        existing = set(plan.measures.filter(nature=MeasureNature.CORRECTIVE).values_list("title", flat=True))
        for title in dict.fromkeys(titles):
            if title in existing:
                continue
            measure = MitigationMeasure.objects.create(
                plan=plan, title=title[:300], measure_type=measure_type,
                nature=MeasureNature.CORRECTIVE, status=MeasureStatus.PLANNED,
            )
            created.append(measure.pk)
    audit_record(
        engagement=case.engagement, actor=by, action=AuditAction.SET_COURSE,
        justification=case.course_notes or "; ".join(str(c) for c in case.chosen_courses()),
        details={"case": case.pk, **courses, "corrective_measures": created},
    )
    return case


@transaction.atomic
def case_set_suspension_evaluation(
    *, case: InterventionCase, by: User, evaluation: str, mandate_critically_affected: bool
) -> InterventionCase:
    """The risks of suspending, including to staff (P¶21(g)); whether the mandate is critically affected (P¶28)."""
    _require_decider(by, case, "evaluates the risks of suspending")
    case = _locked(case)
    _require_open(case)
    _require_intercession(case, "The risks of suspending are evaluated")
    evaluation = (evaluation or "").strip()
    if not evaluation:
        raise ValidationError({"evaluation": "Evaluate the risks of suspending, including to the safety of staff."})
    case.suspension_risk_evaluation = evaluation
    case.suspension_evaluated_at, case.suspension_evaluated_by = timezone.now(), by
    hq_told = []
    if mandate_critically_affected and case.mandate_flagged_at is None:
        # The one way a mandate is flagged (P¶28): HQ hears the governing body must be advised, once.
        from interventions.critical_reports import mandate_flag_set

        hq_told = [u.pk for u in mandate_flag_set(case, by=by, reason=evaluation)]
    elif not mandate_critically_affected and case.mandate_flagged_at is None:
        case.mandate_critically_affected = False
    case.save(update_fields=[
        "suspension_risk_evaluation", "suspension_evaluated_at", "suspension_evaluated_by", "mandate_critically_affected",
    ])
    audit_record(
        engagement=case.engagement, actor=by, action=AuditAction.SET_SUSPENSION_EVALUATION, justification=evaluation,
        details={"case": case.pk, "mandate_critically_affected": case.mandate_critically_affected, "hq_notified": hq_told},
    )
    return case


@transaction.atomic
def case_set_skip_reason(*, case: InterventionCase, by: User, reason: str) -> InterventionCase:
    """Why support is ceased straight from intercession, without suspending first."""
    _require_decider(by, case, "records why suspension is skipped")
    case = _locked(case)
    _require_open(case)
    _require_intercession(case, "Why suspension is skipped is recorded")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why support is ceased without suspending it first."})
    case.why_suspension_skipped = reason
    case.save(update_fields=["why_suspension_skipped"])
    audit_record(
        engagement=case.engagement, actor=by, action=AuditAction.SET_SKIP_REASON, justification=reason,
        details={"case": case.pk},
    )
    return case
