from mitigation.models import MeasureType, MitigationMeasure, MitigationPlan
from hrddp.models import Engagement


def plan_inherit_core_measures(*, engagement: Engagement) -> MitigationPlan:
    """Carry the GPRAF's core mitigation measures into the engagement's plan (T/Action 3)."""
    plan, _ = MitigationPlan.objects.get_or_create(engagement=engagement)
    coordination = getattr(engagement, "coordination", None)
    if coordination is None or not coordination.mechanism_exists:
        return plan
    existing = set(plan.measures.filter(from_gpraf=True).values_list("title", flat=True))
    MitigationMeasure.objects.bulk_create(
        MitigationMeasure(plan=plan, title=line, measure_type=MeasureType.COMMUNICATIONS, from_gpraf=True)
        for line in coordination.core_measure_lines()
        if line not in existing
    )
    return plan
