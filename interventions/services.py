from django.utils import timezone

from hrddp.models import Engagement, User
from interventions.models import InterventionCase


def intervention_case_open(*, engagement: Engagement, by: User, report: str) -> InterventionCase:
    case = InterventionCase.objects.create(engagement=engagement, opened_by=by, report=report)
    case.incidents.set(engagement.incidents.filter(grave_violation=True, substantial_grounds=True))
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
