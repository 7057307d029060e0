from django.db import transaction

from hrddp.models import Engagement
from mitigation.models import MeasureTemplate, MeasureType, MitigationMeasure, MitigationPlan


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


@transaction.atomic
def plan_save(*, plan: MitigationPlan, plan_form, measure_formset) -> MitigationPlan:
    """Save the plan and its measures together, or nothing."""
    plan = plan_form.save()
    measure_formset.instance = plan
    measure_formset.save()
    return plan


def plan_add_from_catalogue(*, plan: MitigationPlan, templates: list[MeasureTemplate]) -> list[MitigationMeasure]:
    return MitigationMeasure.objects.bulk_create(
        MitigationMeasure(plan=plan, title=t.title, measure_type=t.measure_type, nature=t.nature, review_notes="")
        for t in templates
    )


# What the engagement's steps open in Action 5 (attached in MitigationConfig.ready(); hrddp.step_effects). The
# core measures follow the first assessment version, which assessments attaches first (INSTALLED_APPS order).
ENGAGEMENT_STEP_EFFECTS = {
    "complete_coordination": lambda engagement, *, by, justification: plan_inherit_core_measures(
        engagement=engagement
    ),
}
