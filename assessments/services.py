from django.db import transaction

from assessments.models import AssessmentStatus, RiskAssessment, Screening
from hrddp.models import Engagement, RecipientCategory, User


def screening_prefill(*, engagement: Engagement) -> Screening:
    """Pre-fill the three screening answers from the recipient and activities.

    Every recipient category is a non-UN security force (P¶7); the answers on
    support follow from the activities' types. The project manager confirms or
    corrects them.
    """
    activities = list(engagement.activities.all())
    screening, created = Screening.objects.get_or_create(engagement=engagement)
    if created:
        screening.engages_security_force = engagement.recipient.category in RecipientCategory.values
        screening.provides_support = bool(activities)
        screening.entirely_exempt = bool(activities) and all(a.is_exempt for a in activities)
        screening.save()
    return screening


@transaction.atomic
def assessment_start(*, engagement: Engagement, by: User) -> RiskAssessment:
    """Open a new draft version; a reassessment starts from a copy of the last one."""
    previous = engagement.current_assessment
    if previous is not None and previous.status == AssessmentStatus.DRAFT:
        return previous
    assessment = RiskAssessment.objects.create(
        engagement=engagement, version=(previous.version + 1) if previous else 1, created_by=by
    )
    if previous is not None:
        for element in previous.elements.all():
            assessment.elements.create(element=element.element, narrative=element.narrative, rating=element.rating)
        for source in previous.sources.all():
            assessment.sources.create(
                element=source.element, citation=source.citation,
                is_un_source=source.is_un_source, reliability=source.reliability,
            )
        for factor in previous.risk_factors.prefetch_related("measures"):
            carried = assessment.risk_factors.create(description=factor.description, element=factor.element)
            # Measures that targeted the factor keep targeting it in the new version.
            carried.measures.set(factor.measures.all())
    return assessment
