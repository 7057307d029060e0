"""Actions 1–3: what the project manager writes on the screening, preconditions and coordination pages.

Each save is the engagement's project manager's (hrddp.access.may_prepare), only while the
engagement is at that Action's stage; it writes the record and its audit entry together, or
nothing. The engagement's row is locked first, as its steps lock it, so a save never lands
after the step that closed the Action (the record then is exactly what the step was taken on).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from assessments.models import AssessmentStatus, CoordinationRecord, PreconditionsCheck, RiskAssessment, Screening
from hrddp import access
from hrddp.models import AuditAction, Engagement, RecipientCategory, State, User
from hrddp.services import audit_record, engagement_locked

QUESTIONS = ["engages_security_force", "provides_support", "entirely_exempt"]

SCREENING_FIELDS = (
    *QUESTIONS, *(f"{q}_note" for q in QUESTIONS), "prudential_assessment", "rationale",
)
PRECONDITIONS_FIELDS = tuple(f"{key}_{part}" for key, _ in PreconditionsCheck.CHECKS for part in ("met", "evidence"))
COORDINATION_FIELDS = (
    "mechanism_exists", "gpraf_reference", "gpraf_date", "core_mitigation_measures", "inform_of_decisions",
)

# Each record of Actions 1–3: the stage at which it is written, and its name in what the pages say.
_STAGES = {
    Screening: (State.SCREENING, "screening"),
    PreconditionsCheck: (State.PRECONDITIONS, "preconditions check"),
    CoordinationRecord: (State.COORDINATION, "coordination record"),
}


class ActionClosed(Exception):
    """The engagement is not at this Action's stage: its record does not change now."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def action_require_open(*, by: User, engagement: Engagement, record: type) -> None:
    """Refuse unless `by` may write this Action's record now.

    PermissionDenied when `by` does not prepare the engagement (a 403: the page is not theirs to change),
    ActionClosed when the engagement is at another stage (the project manager is told so)."""
    state, name = _STAGES[record]
    access.require_prepare(by, engagement, f"Only the engagement's project manager changes the {name}.")
    if engagement.state != state:
        raise ActionClosed(f"The {name} can only be changed while the engagement is at that stage.")


def action_open(perms: access.EngagementAccess, *, record: type) -> bool:
    """Whether a page offers this record's form: action_require_open's answer, asked without raising
    (and with the page's own permissions on the engagement, already read)."""
    state, _ = _STAGES[record]
    return perms.engagement.state == state and perms.may_prepare


def _changed(record, before: dict, fields) -> list[str]:
    return [name for name in fields if getattr(record, name) != before[name]]


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


def _screening_suggested(engagement: Engagement) -> Screening:
    screening = Screening(engagement=engagement)
    for question, answer in screening_suggestion(engagement=engagement).items():
        setattr(screening, question, answer)
    return screening


def screening_prefill(*, engagement: Engagement) -> Screening:
    """Create the screening with the suggested answers; the project manager confirms or corrects them.

    The effect of the step 'start_screening' (below): it runs inside that step's transaction, whose
    audit entry records it."""
    screening, created = Screening.objects.get_or_create(engagement=engagement)
    if created:
        for question, answer in screening_suggestion(engagement=engagement).items():
            setattr(screening, question, answer)
        screening.save()
    return screening


def screening_save(
    *, by: User, engagement: Engagement, answers: dict[str, bool], notes: dict[str, str], prudential: bool,
    rationale: str,
) -> Screening:
    """The project manager's answers to the three questions, why they corrected a suggested one,
    and whether support is assessed anyway (P¶6–11, T/Action 1).

    Raises PermissionDenied unless `by` prepares the engagement, ActionClosed unless it is at the
    screening stage; nothing is written then."""
    with transaction.atomic():
        engagement = engagement_locked(engagement)
        action_require_open(by=by, engagement=engagement, record=Screening)
        screening = Screening.objects.filter(engagement=engagement).first() or _screening_suggested(engagement)
        created = screening.pk is None
        before = {name: getattr(screening, name) for name in SCREENING_FIELDS}
        for question in QUESTIONS:
            setattr(screening, question, answers[question])
            setattr(screening, f"{question}_note", notes.get(question, ""))
        screening.prudential_assessment = prudential
        screening.rationale = rationale
        screening.save()
        changed = _changed(screening, before, SCREENING_FIELDS)
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.SAVE_SCREENING,
            justification=_what_changed("screening", changed, created),
            details={
                "screening": screening.pk, "changed": changed,
                # The answers are what the conclusion (a step) is taken on; the notes are on the record.
                "answers": {name: getattr(screening, name) for name in (*QUESTIONS, "prudential_assessment")},
            },
        )
    return screening


def preconditions_save(
    *, by: User, engagement: Engagement, results: dict[str, tuple[bool | None, str]]
) -> PreconditionsCheck:
    """Each precondition met, not met or still open (None), with its evidence (T/Action 2, T/Box 1).

    Raises PermissionDenied unless `by` prepares the engagement, ActionClosed unless it is at the
    preconditions stage; nothing is written then."""
    unknown = sorted(set(results) - {key for key, _ in PreconditionsCheck.CHECKS})
    if unknown:
        raise TypeError(f"Not preconditions: {', '.join(unknown)}.")
    with transaction.atomic():
        engagement = engagement_locked(engagement)
        action_require_open(by=by, engagement=engagement, record=PreconditionsCheck)
        check = PreconditionsCheck.objects.filter(engagement=engagement).first() or PreconditionsCheck(
            engagement=engagement
        )
        created = check.pk is None
        before = {name: getattr(check, name) for name in PRECONDITIONS_FIELDS}
        for key, (met, evidence) in results.items():
            setattr(check, f"{key}_met", met)
            setattr(check, f"{key}_evidence", evidence)
        check.save()
        changed = _changed(check, before, PRECONDITIONS_FIELDS)
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.SAVE_PRECONDITIONS,
            justification=_what_changed("preconditions check", changed, created),
            details={
                "preconditions": check.pk, "changed": changed,
                "met": {key: check.result(key)[0] for key, _ in PreconditionsCheck.CHECKS},
            },
        )
    return check


def coordination_save(
    *, by: User, engagement: Engagement, mechanism_exists: bool | None, gpraf_reference: str = "",
    gpraf_date: date | None = None, core_mitigation_measures: str = "", inform_of_decisions: str = "",
) -> CoordinationRecord:
    """The UN HRDDP country mechanism, its GPRAF and whom to inform of decisions (T/Action 3).

    Raises PermissionDenied unless `by` prepares the engagement, ActionClosed unless it is at the
    coordination stage; nothing is written then."""
    values = {
        "mechanism_exists": mechanism_exists, "gpraf_reference": gpraf_reference, "gpraf_date": gpraf_date,
        "core_mitigation_measures": core_mitigation_measures, "inform_of_decisions": inform_of_decisions,
    }
    with transaction.atomic():
        engagement = engagement_locked(engagement)
        action_require_open(by=by, engagement=engagement, record=CoordinationRecord)
        record = CoordinationRecord.objects.filter(engagement=engagement).first() or CoordinationRecord(
            engagement=engagement
        )
        created = record.pk is None
        before = {name: getattr(record, name) for name in COORDINATION_FIELDS}
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
        changed = _changed(record, before, COORDINATION_FIELDS)
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.SAVE_COORDINATION,
            justification=_what_changed("coordination record", changed, created),
            details={"coordination": record.pk, "changed": changed, "mechanism_exists": record.mechanism_exists},
        )
    return record


def _what_changed(name: str, changed: list[str], created: bool) -> str:
    """The audit entry's sentence: which fields the save changed (their names; the values are on the record)."""
    fields = ", ".join(name.replace("_", " ") for name in changed)
    if created:
        return f"Recorded the {name}" + (f": {fields}." if fields else ".")
    return f"Changed the {name}: {fields}." if fields else f"Saved the {name} unchanged: confirmed as it stood."


@transaction.atomic
def assessment_start(*, engagement: Engagement, by: User) -> RiskAssessment:
    """Open a new draft version; a reassessment starts from a copy of the last one.

    The effect of the steps that open Action 4 (below): the step's service has checked `by`'s role and
    the stage, and writes the audit entry, in the transaction this runs in."""
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
