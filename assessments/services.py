from django.db import transaction

from assessments.models import AssessmentStatus, CoordinationRecord, PreconditionsCheck, RiskAssessment, Screening
from hrddp.models import Engagement, RecipientCategory, User

QUESTIONS = ["engages_security_force", "provides_support", "entirely_exempt"]


def screening_suggestion(*, engagement: Engagement) -> dict[str, bool]:
    """The three screening answers as they follow from the recipient and activities.

    Every recipient category is a non-UN security force (P¶7); the answers on
    support follow from the activities' types (P¶8–9).
    """
    activities = list(engagement.activities.all())
    return {
        "engages_security_force": engagement.recipient.category in RecipientCategory.values,
        "provides_support": bool(activities),
        "entirely_exempt": bool(activities) and all(a.is_exempt for a in activities),
    }


def screening_prefill(*, engagement: Engagement) -> Screening:
    """Create the screening with the suggested answers; the project manager confirms or corrects them."""
    screening, created = Screening.objects.get_or_create(engagement=engagement)
    if created:
        for question, answer in screening_suggestion(engagement=engagement).items():
            setattr(screening, question, answer)
        screening.save()
    return screening


def screening_save(*, engagement: Engagement, answers: dict, notes: dict, prudential: bool, rationale: str) -> Screening:
    screening = screening_prefill(engagement=engagement)
    for question in QUESTIONS:
        setattr(screening, question, answers[question])
        setattr(screening, f"{question}_note", notes.get(question, ""))
    screening.prudential_assessment = prudential
    screening.rationale = rationale
    screening.save()
    return screening


def preconditions_save(*, engagement: Engagement, results: dict[str, tuple[bool | None, str]]) -> PreconditionsCheck:
    check, _ = PreconditionsCheck.objects.get_or_create(engagement=engagement)
    for key, (met, evidence) in results.items():
        setattr(check, f"{key}_met", met)
        setattr(check, f"{key}_evidence", evidence)
    check.save()
    return check


def coordination_save(*, engagement: Engagement, **fields) -> CoordinationRecord:
    record, _ = CoordinationRecord.objects.update_or_create(engagement=engagement, defaults=fields)
    return record


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


# What the engagement's steps open in Actions 1–4 (attached in AssessmentsConfig.ready(); hrddp.step_effects).
# The names are looked up when a step runs, so each effect is the service as it stands then.
ENGAGEMENT_STEP_EFFECTS = {
    "start_screening": lambda engagement, *, by, justification: screening_prefill(engagement=engagement),
    "complete_coordination": lambda engagement, *, by, justification: assessment_start(engagement=engagement, by=by),
    "reconsider": lambda engagement, *, by, justification: assessment_start(engagement=engagement, by=by),
    "start_reassessment": lambda engagement, *, by, justification: assessment_start(engagement=engagement, by=by),
}
