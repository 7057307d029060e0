from django.utils import timezone

from hrddp.models import Engagement, User
from interventions.models import InterventionCase


def intervention_case_open(*, engagement: Engagement, by: User, report: str) -> InterventionCase:
    case = InterventionCase.objects.create(engagement=engagement, opened_by=by, report=report)
    # The incidents the Chief of Mission determined to be grave violations (P¶26), not those merely classified.
    case.incidents.set(
        engagement.incidents.filter(determinations__isnull=False, determinations__withdrawn_at__isnull=True).distinct()
    )
    return case


def intervention_case_record_course(*, engagement: Engagement, by: User) -> InterventionCase:
    case = engagement.open_intervention_case
    case.course_recorded_at = timezone.now()
    case.course_recorded_by = by
    case.save(update_fields=["course_recorded_at", "course_recorded_by"])
    return case


def intervention_case_set_result(*, engagement: Engagement, result: str) -> InterventionCase:
    case = engagement.open_intervention_case
    case.result = result
    case.save(update_fields=["result"])
    return case


def intervention_case_close(*, engagement: Engagement, result: str, evidence: str) -> InterventionCase | None:
    case = engagement.open_intervention_case
    if case is None:
        return None
    case.result = result
    case.result_evidence = evidence
    case.closed_at = timezone.now()
    case.save(update_fields=["result", "result_evidence", "closed_at"])
    return case


# What the engagement's steps in Action 7 do to its intervention case (attached in InterventionsConfig.ready();
# hrddp.step_effects): the justification of the step is the case's report or its result's evidence.
ENGAGEMENT_STEP_EFFECTS = {
    "open_intercession": lambda engagement, *, by, justification: intervention_case_open(
        engagement=engagement, by=by, report=justification
    ),
    "record_course_of_action": lambda engagement, *, by, justification: intervention_case_record_course(
        engagement=engagement, by=by
    ),
    "resolve": lambda engagement, *, by, justification: intervention_case_close(
        engagement=engagement, result="A", evidence=justification
    ),
    "suspend": lambda engagement, *, by, justification: intervention_case_set_result(engagement=engagement, result="B"),
    "resume": lambda engagement, *, by, justification: intervention_case_close(
        engagement=engagement, result="B", evidence=justification
    ),
    "cease": lambda engagement, *, by, justification: intervention_case_close(
        engagement=engagement, result="B", evidence=justification
    ),
}
