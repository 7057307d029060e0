"""Builders for the lifecycle tests.

Each builder creates the records one step of the engagement lifecycle needs
(domain.md section 3), so a test only states what differs from "ready":

    engagement = EngagementFactory(office=office_a, state=State.APPROVAL)
    complete_plan(engagement, residual="high")
    issue_notification_letter(engagement)
    fill_procedure(engagement)

`engagement_ready_for(name, source)` builds an engagement in a transition's
source state with every condition of that transition met. The helpers at the
end take a step through the real service and check what it wrote (or that it
wrote nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.utils import timezone

from assessments.models import (
    AssessmentElement,
    AssessmentStatus,
    CitedSource,
    CoordinationRecord,
    PreconditionsCheck,
    RiskAssessment,
    RiskElement,
    RiskFactor,
    Screening,
)
from hrddp.models import PRE_ACTIVE_STATES, ActivityType, AuditEntry, Engagement, State, SupportActivity, User
from hrddp.services import EngagementChangedMeanwhile, TransitionRefused, engagement_transition
from interventions.models import IntercessionCommunication, InterventionCase, Letter, LetterKind
from mitigation.models import InterventionProcedure, MeasureType, MitigationMeasure, MitigationPlan
from monitoring.models import Channel, GraveViolationDetermination, Incident, VerificationStatus
from tests.factories import EngagementFactory, FocalPointFactory, SupportActivityFactory, UserFactory

JUSTIFICATION = "Checked against the case file; recorded for the audit trail."


def _someone() -> User:
    """A user to sign, monitor or log things when the test does not care who."""
    return UserFactory()


def _related(engagement: Engagement, name: str):
    try:
        return getattr(engagement, name)
    except ObjectDoesNotExist:
        return None


# --- Draft and Action 1: activities and screening -----------------------------


def describe_activities(engagement: Engagement, *activity_types: str) -> list[SupportActivity]:
    """Support activities of the given types (one training activity by default)."""
    return [
        SupportActivityFactory(
            engagement=engagement, activity_type=activity_type,
            description=f"{ActivityType(activity_type).label.split(' (')[0]} #{index}",
        )
        for index, activity_type in enumerate(activity_types or (ActivityType.TRAINING,), start=1)
    ]


def complete_screening(
    engagement: Engagement, *, security_force: bool | None = True, support: bool | None = True,
    entirely_exempt: bool | None = False, prudential: bool = False,
    rationale: str = "Answered from the project document and the recipient's category.",
) -> Screening:
    """The three screening answers (by default: HRDDP applies)."""
    screening, _ = Screening.objects.update_or_create(
        engagement=engagement,
        defaults=dict(
            engages_security_force=security_force, provides_support=support, entirely_exempt=entirely_exempt,
            prudential_assessment=prudential, rationale=rationale,
        ),
    )
    return screening


# --- Action 2: preconditions -------------------------------------------------

PRECONDITION_KEYS = [key for key, _ in PreconditionsCheck.CHECKS]
PRECONDITION_LABELS = dict(PreconditionsCheck.CHECKS)
PRECONDITION_EVIDENCE = {
    "national_ownership": "Request letter from the Ministry of the Interior; host government informed; focal points named.",
    "no_death_penalty": "No support to any unit or facility involved in executions.",
    "no_weapons": "No weapons, ammunition or weapon-related logistics in the activities.",
    "no_combat_capacity": "Community policing only; no combat units.",
}


def record_preconditions(
    engagement: Engagement, *, not_met: Iterable[str] = (), unchecked: Iterable[str] = (),
    without_evidence: Iterable[str] = (),
) -> PreconditionsCheck:
    """The four checks: met with evidence, except those named otherwise."""
    not_met, unchecked, without_evidence = set(not_met), set(unchecked), set(without_evidence)
    fields = {}
    for key in PRECONDITION_KEYS:
        met = None if key in unchecked else key not in not_met
        fields[f"{key}_met"] = met
        if met is None or key in without_evidence:
            fields[f"{key}_evidence"] = ""
        elif met:
            fields[f"{key}_evidence"] = PRECONDITION_EVIDENCE[key]
        else:
            fields[f"{key}_evidence"] = "Not met: see the file note."
    check, _ = PreconditionsCheck.objects.update_or_create(engagement=engagement, defaults=fields)
    return check


def all_preconditions_met(engagement: Engagement) -> PreconditionsCheck:
    return record_preconditions(engagement)


# --- Action 3: coordination --------------------------------------------------

GPRAF_CORE_MEASURES = [
    "Human-rights clause in every agreement with security forces",
    "Quarterly information sharing with the HRDDP Task Force",
]


def record_coordination(
    engagement: Engagement, *, mechanism: bool | None = True, core_measures: Iterable[str] | None = None,
    inform: str | None = None, gpraf_reference: str | None = None, gpraf_date: date | None | bool = True,
) -> CoordinationRecord:
    """The country-mechanism check. With a mechanism, by default a dated GPRAF,
    its core measures and whom to inform; without one, nothing else."""
    with_mechanism = bool(mechanism)
    if core_measures is None:
        core_measures = GPRAF_CORE_MEASURES if with_mechanism else []
    if inform is None:
        inform = "HRDDP Task Force secretariat (Office of the Resident Coordinator)" if with_mechanism else ""
    if gpraf_reference is None:
        gpraf_reference = "GPRAF Darvonia 2025" if with_mechanism else ""
    if gpraf_date is True:
        gpraf_date = date(2025, 11, 3) if gpraf_reference else None
    record, _ = CoordinationRecord.objects.update_or_create(
        engagement=engagement,
        defaults=dict(
            mechanism_exists=mechanism, gpraf_reference=gpraf_reference, gpraf_date=gpraf_date or None,
            core_mitigation_measures="\n".join(core_measures), inform_of_decisions=inform,
        ),
    )
    return record


# --- Action 4: the risk assessment -------------------------------------------

DEFAULT_FACTORS = ("Excessive use of force during crowd control (2024 reports)",)
DEFAULT_SOURCES = ("OHCHR, country report (2025)",)


def start_assessment(engagement: Engagement, *, by: User | None = None) -> RiskAssessment:
    """The current version, or version 1 when none was started."""
    current = engagement.current_assessment
    if current is not None:
        return current
    return RiskAssessment.objects.create(engagement=engagement, version=1, created_by=by)


def new_assessment_version(engagement: Engagement, *, by: User | None = None) -> RiskAssessment:
    """A fresh draft version after the current one (e.g. a reassessment), left empty."""
    current = engagement.current_assessment
    return RiskAssessment.objects.create(
        engagement=engagement, version=(current.version + 1) if current else 1, created_by=by
    )


def complete_assessment(
    engagement: Engagement, *, rating: str = "medium", factors: Iterable[str] = DEFAULT_FACTORS,
    unanswered: Iterable[str] = (), sources: Iterable[str] = DEFAULT_SOURCES,
    justification: str = "Credible reports, some corrective steps; manageable with mitigation.",
    status: str | None = None,
) -> RiskAssessment:
    """Fill in the current assessment: every element answered (except `unanswered`),
    a final rating with its justification, cited sources and risk factors."""
    assessment = start_assessment(engagement)
    unanswered = set(unanswered)
    for value, label in RiskElement.choices:
        if value in unanswered:
            continue
        AssessmentElement.objects.update_or_create(
            assessment=assessment, element=value, defaults=dict(narrative=f"Reviewed: {label.lower()}.")
        )
    for citation in sources:
        CitedSource.objects.get_or_create(
            assessment=assessment, citation=citation,
            defaults=dict(is_un_source=True, reliability="A", element=RiskElement.COUNTRY_SITUATION),
        )
    for description in factors:
        RiskFactor.objects.get_or_create(
            assessment=assessment, description=description, defaults=dict(element=RiskElement.COMPLIANCE_RECORD)
        )
    assessment.final_rating = rating
    assessment.final_justification = justification
    if status is not None:
        assessment.status = status
    assessment.save()
    return assessment


# --- Action 5: the mitigation plan -------------------------------------------


def complete_plan(
    engagement: Engagement, *, residual: str = "medium", target_factors: bool = True, include_gpraf: bool = True,
    submitted: bool = False,
) -> MitigationPlan:
    """A plan with one measure per risk factor of the current assessment, the
    GPRAF core measures where a mechanism exists, and the residual risk stated."""
    plan, _ = MitigationPlan.objects.get_or_create(engagement=engagement)
    assessment = engagement.current_assessment
    if target_factors and assessment is not None:
        for factor in assessment.risk_factors.all():
            measure = plan.measures.create(
                title=f"Measure against: {factor.description}", measure_type=MeasureType.SOP, owner="Project manager",
            )
            measure.risk_factors.add(factor)
    coordination = _related(engagement, "coordination")
    if include_gpraf and coordination is not None and coordination.mechanism_exists:
        present = set(plan.measures.filter(from_gpraf=True).values_list("title", flat=True))
        for line in coordination.core_measure_lines():
            if line not in present:
                plan.measures.create(title=line, measure_type=MeasureType.COMMUNICATIONS, from_gpraf=True)
    plan.residual_risk = residual
    plan.residual_risk_justification = "The measures address every identified risk factor." if residual else ""
    if submitted:
        plan.submitted_at = timezone.now()
    plan.save()
    return plan


def add_measure(engagement: Engagement, *, targets: Iterable[RiskFactor] = (), **fields) -> MitigationMeasure:
    plan, _ = MitigationPlan.objects.get_or_create(engagement=engagement)
    fields.setdefault("title", "Additional measure")
    fields.setdefault("measure_type", MeasureType.MONITORING)
    measure = plan.measures.create(**fields)
    measure.risk_factors.set(list(targets))
    return measure


def issue_notification_letter(
    engagement: Engagement, *, signatory: User | None = None, issued: bool = True, kind: str = LetterKind.NOTIFICATION,
) -> Letter:
    """The letter on the core principles (P¶19), issued (or only drafted) to the recipient authority."""
    signatory = signatory or _someone()
    number = Letter.objects.filter(engagement=engagement).count() + 1
    return Letter.objects.create(
        engagement=engagement, kind=kind, language="en", reference=f"{engagement.reference}/L/{number:03d}",
        addressee="Commander of Esse Province, Ministry of the Interior", signatory=signatory,
        issued_at=timezone.now() if issued else None, issued_by=signatory if issued else None,
    )


def fill_procedure(
    engagement: Engagement, *, monitor: User | None = None, focal_point=None,
    reporting: str = "Same-day call to the Chief of Mission; written report within 48 hours.",
    leave_out: Iterable[str] = (),
) -> InterventionProcedure:
    """The internal intervention procedure (T/Box 7); `leave_out` names fields left empty:
    "monitoring_responsible", "recipient_focal_point", "reporting_to_com"."""
    leave_out = set(leave_out)
    procedure, _ = InterventionProcedure.objects.update_or_create(
        engagement=engagement,
        defaults=dict(
            monitoring_responsible=None if "monitoring_responsible" in leave_out else (monitor or _someone()),
            recipient_focal_point=(
                None if "recipient_focal_point" in leave_out else (focal_point or FocalPointFactory(office=engagement.office))
            ),
            reporting_to_com="" if "reporting_to_com" in leave_out else reporting,
        ),
    )
    return procedure


def approved_support(engagement: Engagement, *, rating: str = "medium", residual: str = "medium") -> Engagement:
    """Everything an engagement has once support was approved: coordination, an
    endorsed assessment, a submitted plan, the notification letter and the procedure."""
    record_coordination(engagement)
    complete_assessment(engagement, rating=rating, status=AssessmentStatus.ENDORSED)
    complete_plan(engagement, residual=residual, submitted=True)
    issue_notification_letter(engagement)
    fill_procedure(engagement)
    if engagement.support_approved_at is None:
        Engagement.objects.filter(pk=engagement.pk).update(support_approved_at=timezone.now())
        engagement.refresh_from_db()
    return engagement


# --- Actions 6 and 7: incidents and intervention cases ------------------------


def grave_incident(
    engagement: Engagement, *, grave: bool = True, substantial: bool = True, logged_by: User | None = None,
    description: str = "Two traders reported killed at an informal checkpoint run by officers of the unit.",
    occurred_on: date | None = None,
) -> Incident:
    """An incident, by default a grave violation with substantial grounds (P¶26) as the Chief of Mission
    determined them (a determination in force, written directly), three days ago."""
    incident = Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient,
        occurred_on=occurred_on or timezone.localdate() - timedelta(days=3),
        place="Road between Kael and Omri", description=description, channel=Channel.UN_MONITORING,
        verification_status=VerificationStatus.CORROBORATED if substantial else VerificationStatus.UNVERIFIED,
        grave_violation=grave, substantial_grounds=substantial, logged_by=logged_by,
    )
    if grave and substantial:
        GraveViolationDetermination.objects.create(
            incident=incident, determined_by=_someone(), role="Chief of Mission",
            reasons="OHCHR corroborated the killings.", grades={"incident": "F6", "verification": "corroborated"},
        )
    return incident


def open_case(
    engagement: Engagement, *, opened_by: User | None = None, incidents: Iterable[Incident] | None = None,
    courses: Iterable[str] = ("communicate_with_focal_point",), course_recorded: bool = False,
    suspension_risk_evaluation: str = "", why_suspension_skipped: str = "", result: str = "",
) -> InterventionCase:
    """An open intervention case on the engagement's grave incidents (one is logged if there is none)."""
    opened_by = opened_by or _someone()
    if incidents is None:
        incidents = list(engagement.incidents.filter(grave_violation=True, substantial_grounds=True)) or [
            grave_incident(engagement)
        ]
    courses = set(courses)
    case = InterventionCase.objects.create(
        engagement=engagement, opened_by=opened_by, report="Report to the Chief of Mission on the incidents.",
        **{name: name in courses for name in InterventionCase.COURSES},
        course_recorded_at=timezone.now() if course_recorded else None,
        course_recorded_by=opened_by if course_recorded else None,
        suspension_risk_evaluation=suspension_risk_evaluation, why_suspension_skipped=why_suspension_skipped,
        result=result,
    )
    case.incidents.set(list(incidents))
    return case


def intercession_made(
    case: InterventionCase, *, on: date | None = None, by: User | None = None,
    counterpart: str = "Col. Anna Reyes, the Ministry's focal point",
) -> IntercessionCommunication:
    """The grounds brought to the authorities through the agreed channel (P¶26), two days ago by default."""
    return IntercessionCommunication.objects.create(
        case=case, communicated_on=on or timezone.localdate() - timedelta(days=2), counterpart=counterpart,
        channel="Meeting at the Ministry of the Interior", summary="The killings at the Kael checkpoint.",
        recorded_by=by or _someone(),
    )


def continuing_violation(engagement: Engagement, *, on: date | None = None) -> Incident:
    """A grave violation determined on an incident after the intercession (P¶27), yesterday by default."""
    return grave_incident(
        engagement, occurred_on=on or timezone.localdate() - timedelta(days=1),
        description="A detainee reported beaten at the Kael post after the intercession.",
    )


def interceded_and_continuing(case: InterventionCase) -> InterventionCase:
    """The intercession made two days ago and a grave violation determined since: suspension may be decided."""
    intercession_made(case)
    continuing_violation(case.engagement)
    return case


def decision_letter_issued(engagement: Engagement, kind: str) -> Letter:
    """The letter a decision is taken with (suspension, resumption, cessation), issued."""
    return issue_notification_letter(engagement, kind=kind)


SUSPENSION_RISKS = "Staff at the Esse site could be threatened; movements restricted for two weeks; no mandate impact."
WHY_SKIP_SUSPENSION = "The unit continued the killings after our intercession letter; suspension would add nothing."


# --- Engagements ready for a step ---------------------------------------------

_READY: dict[tuple[str, str], Callable[[Engagement], object]] = {
    ("start_screening", State.DRAFT): lambda e: describe_activities(e, ActivityType.TRAINING),
    ("conclude_not_applicable", State.SCREENING): lambda e: (
        describe_activities(e, ActivityType.MEDEVAC), complete_screening(e, entirely_exempt=True)
    ),
    ("conclude_applicable", State.SCREENING): lambda e: (describe_activities(e), complete_screening(e)),
    ("reopen_screening", State.NOT_APPLICABLE): lambda e: (
        describe_activities(e, ActivityType.MEDEVAC), complete_screening(e, entirely_exempt=True)
    ),
    ("pass_preconditions", State.PRECONDITIONS): all_preconditions_met,
    ("fail_preconditions", State.PRECONDITIONS): lambda e: record_preconditions(e, not_met=["no_weapons"]),
    ("complete_coordination", State.COORDINATION): record_coordination,
    ("submit_assessment", State.ASSESSMENT): lambda e: (record_coordination(e), complete_assessment(e)),
    ("return_assessment", State.ENDORSEMENT): lambda e: complete_assessment(e, status=AssessmentStatus.SUBMITTED),
    ("endorse", State.ENDORSEMENT): lambda e: complete_assessment(e, status=AssessmentStatus.SUBMITTED),
    ("endorse_plan_stands", State.ENDORSEMENT): lambda e: (
        approved_support(e), new_assessment_version(e), complete_assessment(e, status=AssessmentStatus.SUBMITTED)
    ),
    ("decline", State.ENDORSEMENT): lambda e: complete_assessment(e, rating="high", status=AssessmentStatus.SUBMITTED),
    ("reconsider", State.DECLINED): lambda e: complete_assessment(e, rating="high", status=AssessmentStatus.DECLINED),
    ("submit_plan", State.MITIGATION): lambda e: (
        record_coordination(e), complete_assessment(e, status=AssessmentStatus.ENDORSED), complete_plan(e)
    ),
    ("approve_support", State.APPROVAL): lambda e: (
        record_coordination(e), complete_assessment(e, status=AssessmentStatus.ENDORSED),
        complete_plan(e, submitted=True), issue_notification_letter(e), fill_procedure(e),
    ),
    ("return_plan", State.APPROVAL): lambda e: (
        record_coordination(e), complete_assessment(e, status=AssessmentStatus.ENDORSED), complete_plan(e, submitted=True)
    ),
    ("start_reassessment", State.ACTIVE): approved_support,
    ("close", State.ACTIVE): approved_support,
    ("open_intercession", State.ACTIVE): lambda e: (approved_support(e), grave_incident(e)),
    ("record_course_of_action", State.INTERCESSION): lambda e: (approved_support(e), open_case(e)),
    ("resolve", State.INTERCESSION): lambda e: (approved_support(e), open_case(e, course_recorded=True)),
    ("suspend", State.INTERCESSION): lambda e: (
        approved_support(e),
        interceded_and_continuing(open_case(e, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS)),
        decision_letter_issued(e, LetterKind.SUSPENSION),
    ),
    ("resume", State.SUSPENDED): lambda e: (
        approved_support(e),
        interceded_and_continuing(
            open_case(e, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS, result="B")
        ),
        decision_letter_issued(e, LetterKind.SUSPENSION), decision_letter_issued(e, LetterKind.RESUMPTION),
    ),
    ("cease", State.INTERCESSION): lambda e: (
        approved_support(e),
        interceded_and_continuing(open_case(e, course_recorded=True, why_suspension_skipped=WHY_SKIP_SUSPENSION)),
        decision_letter_issued(e, LetterKind.CESSATION),
    ),
    ("cease", State.SUSPENDED): lambda e: (
        approved_support(e),
        interceded_and_continuing(
            open_case(e, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS, result="B")
        ),
        decision_letter_issued(e, LetterKind.SUSPENSION), decision_letter_issued(e, LetterKind.CESSATION),
    ),
    **{("withdraw_request", state): (lambda e: None) for state in PRE_ACTIVE_STATES},
}


def ready_pairs() -> set[tuple[str, str]]:
    """Every (transition, source state) an engagement can be made ready for."""
    return {(name, str(source)) for name, source in _READY}


def engagement_ready_for(name: str, source: str | None = None, *, office, **fields) -> Engagement:
    """An engagement of `office` in the source state of `name`, with every condition of it met."""
    if source is None:
        sources = [s for n, s in _READY if n == name]
        if len(sources) != 1:
            raise ValueError(f"'{name}' has several source states ({sources}); say which one.")
        source = sources[0]
    engagement = EngagementFactory(office=office, state=source, **fields)
    _READY[(name, source)](engagement)
    return reload(engagement)


# --- Taking a step and checking what it wrote ----------------------------------


def reload(engagement: Engagement) -> Engagement:
    return Engagement.objects.get(pk=engagement.pk)


def take(
    engagement: Engagement, name: str, by: User, justification: str = JUSTIFICATION,
    expected_revision: int | None = None,
) -> Engagement:
    """Take a step through the one entry point the app uses."""
    return engagement_transition(
        engagement_id=engagement.pk, name=name, by=by, justification=justification,
        expected_revision=expected_revision,
    )


def _snapshot(engagement: Engagement) -> tuple[str, int, set[int]]:
    current = reload(engagement)
    return current.state, current.revision, set(AuditEntry.objects.values_list("pk", flat=True))


def _assert_nothing_written(engagement: Engagement, snapshot: tuple[str, int, set[int]]) -> None:
    state, revision, audit_ids = snapshot
    current = reload(engagement)
    assert current.state == state, f"state changed from {state!r} to {current.state!r}"
    assert current.revision == revision, f"revision changed from {revision} to {current.revision}"
    new_entries = list(AuditEntry.objects.exclude(pk__in=audit_ids))
    assert new_entries == [], f"audit entries were written: {new_entries!r}"


def assert_taken(
    engagement: Engagement, name: str, by: User, *, to: str, justification: str = JUSTIFICATION,
    expected_revision: int | None = None,
) -> AuditEntry:
    """Take the step; check the new state, the bumped revision and its one audit entry."""
    from_state, revision, audit_ids = _snapshot(engagement)
    started = timezone.now()
    take(engagement, name, by, justification=justification, expected_revision=expected_revision)
    current = reload(engagement)
    assert current.state == to, f"{name}: expected state {to!r}, got {current.state!r}"
    assert current.revision == revision + 1, f"{name}: revision {revision} became {current.revision}"
    new_entries = list(AuditEntry.objects.exclude(pk__in=audit_ids))
    assert len(new_entries) == 1, f"{name}: expected one audit entry, got {new_entries!r}"
    entry = new_entries[0]
    recorded = (entry.engagement_id, entry.actor_id, entry.action, entry.from_state, entry.to_state, entry.justification)
    expected = (engagement.pk, by.pk, name, from_state, to, justification.strip())
    assert recorded == expected, f"{name}: audit entry {recorded!r} != {expected!r}"
    assert started <= entry.at <= timezone.now(), f"{name}: audit entry dated {entry.at}, not now"
    assert started <= current.state_changed_at <= timezone.now(), f"{name}: state_changed_at not updated"
    return entry


def assert_refused(
    engagement: Engagement, name: str, by: User, *reasons: str, justification: str = JUSTIFICATION,
) -> list[str]:
    """The step is refused with each of `reasons` (a fragment of one of the refusals); nothing is written."""
    snapshot = _snapshot(engagement)
    try:
        take(engagement, name, by, justification=justification)
    except TransitionRefused as refused:
        given = refused.reasons
    else:
        pytest.fail(
            f"{name}: the step was taken ({snapshot[0]} -> {reload(engagement).state}) "
            f"instead of being refused with {list(reasons)!r}"
        )
    for reason in reasons:
        assert any(reason in text for text in given), f"{name}: {reason!r} is not among the reasons {given!r}"
    _assert_nothing_written(engagement, snapshot)
    return given


def assert_forbidden(engagement: Engagement, name: str, by: User) -> None:
    """The user's role does not allow the step: PermissionDenied; nothing is written."""
    snapshot = _snapshot(engagement)
    try:
        take(engagement, name, by)
    except PermissionDenied:
        pass
    except TransitionRefused as refused:
        pytest.fail(f"{name}: {by.username} got TransitionRefused({refused.reasons!r}) instead of PermissionDenied")
    else:
        pytest.fail(
            f"{name}: {by.username} was allowed to take the step "
            f"({snapshot[0]} -> {reload(engagement).state}) instead of PermissionDenied"
        )
    _assert_nothing_written(engagement, snapshot)


def assert_changed_meanwhile(engagement: Engagement, name: str, by: User, *, expected_revision: int) -> None:
    snapshot = _snapshot(engagement)
    with pytest.raises(EngagementChangedMeanwhile):
        take(engagement, name, by, expected_revision=expected_revision)
    _assert_nothing_written(engagement, snapshot)


# --- Who may take a step (domain.md section 3) ----------------------------------

PM, COM, PM_OR_COM = "PM", "COM", "PM or COM"

# Fixture names of the users (tests/conftest.py) allowed, and refused, per role.
RIGHT_USERS = {PM: ["pm"], COM: ["com"], PM_OR_COM: ["pm", "com"]}
WRONG_USERS = {
    PM: ["com", "outsider", "com_b", "hq", "auditor"],
    COM: ["pm", "outsider", "com_b", "hq", "auditor"],
    PM_OR_COM: ["outsider", "com_b", "hq", "auditor"],
}


def right_role_cases(table):
    """(name, source, target, user fixture) for every user who may take each step of `table`."""
    return [
        pytest.param(name, source, target, user, id=f"{name}-from-{source}-by-{user}")
        for name, source, target, who in table
        for user in RIGHT_USERS[who]
    ]


def wrong_role_cases(table):
    """(name, source, user fixture) for every user who may not take each step of `table`."""
    return [
        pytest.param(name, source, user, id=f"{name}-from-{source}-by-{user}")
        for name, source, _target, who in table
        for user in WRONG_USERS[who]
    ]


# --- One record of each kind the workflow writes (the admin tests) ------------------------------------


def workflow_records(engagement: Engagement, *, actor: User | None = None) -> dict[str, object]:
    """One record of every model that carries the workflow, all hanging off `engagement`, by kind."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from hrddp.models import EngagementGroupObjectPermission, EngagementUserObjectPermission
    from interventions.models import CriticalDifficultyReport, Exclusion
    from monitoring.models import CorroboratingSource, IndicatorMeasurement

    actor = actor or _someone()
    assessment = complete_assessment(engagement)
    plan = complete_plan(engagement)
    incident = grave_incident(engagement, logged_by=actor)
    case = open_case(engagement, opened_by=actor, incidents=[incident])
    delegate, group = _someone(), Group.objects.create(name=f"Delegates of {engagement.reference}")
    assign_perm("hrddp.view_engagement", delegate, engagement)
    assign_perm("hrddp.view_engagement", group, engagement)
    return {
        "engagement": engagement,
        "support activity": describe_activities(engagement)[0],
        "screening": complete_screening(engagement),
        "preconditions check": all_preconditions_met(engagement),
        "coordination record": record_coordination(engagement),
        "risk assessment": assessment,
        "assessment element": assessment.elements.first(),
        "cited source": assessment.sources.first(),
        "risk factor": assessment.risk_factors.first(),
        "mitigation plan": plan,
        "mitigation measure": add_measure(engagement),
        "intervention procedure": fill_procedure(engagement),
        "incident": incident,
        "intervention case": case,
        "exclusion": Exclusion.objects.create(
            engagement=engagement, case=case, unit=engagement.recipient, excluded_by=actor,
            reason="Named in the intervention case on the checkpoint killings.",
        ),
        "letter": issue_notification_letter(engagement),
        "indicator measurement": IndicatorMeasurement.objects.create(
            engagement=engagement, quarter_start=date(2026, 1, 1), entered_by=actor
        ),
        "audit entry": AuditEntry.objects.create(
            engagement=engagement, actor=actor, action="open", to_state=State.DRAFT, justification="Request received."
        ),
        "grave violation determination": incident.determinations.get(),
        "corroborating source": CorroboratingSource.objects.create(
            incident=incident, description="A nurse at the Kael clinic.", source_reliability="B",
            information_credibility="2", recorded_by=actor,
        ),
        "intercession communication": intercession_made(case, by=actor),
        "critical difficulty report": CriticalDifficultyReport.objects.create(
            case=case, circumstances="Two traders killed.", measures="Unit 7 excluded.",
            recommendations="Intercede with the commander.", written_by=actor,
        ),
        "user grant": EngagementUserObjectPermission.objects.get(content_object=engagement, user=delegate),
        "group grant": EngagementGroupObjectPermission.objects.get(content_object=engagement, group=group),
        **register_records(engagement, actor=actor, incident=incident),
    }


def register_records(engagement: Engagement, *, actor: User, incident: Incident) -> dict[str, object]:
    """One record of every model of the register, about the engagement's recipient, by kind: a person of
    interest's other name, an allegation with its source, status change and a step of the authorities, a step on
    the incident, a screening of names with a line, and the reasons support continues."""
    from hrddp.models import PersonOfInterest
    from register.models import (
        AccountabilityStep,
        Allegation,
        AllegationSource,
        AllegationStatusChange,
        NameScreening,
        NameScreeningLine,
        PersonAlias,
        SupportContinuation,
    )

    person = PersonOfInterest.objects.create(full_name=f"Named in {engagement.reference}", recipient=engagement.recipient)
    allegation = Allegation.objects.create(
        person=person, office=engagement.office, category="gross_violations", summary="Beatings at the Kael post.",
        recorded_by=actor,
    )
    screening = NameScreening.objects.create(
        activity=engagement.activities.first() or describe_activities(engagement)[0], title="Trainees, March course",
        created_by=actor,
    )
    return {
        "person alias": PersonAlias.objects.create(person=person, name=f"Alias of {engagement.reference}"),
        "allegation": allegation,
        "allegation source": AllegationSource.objects.create(
            allegation=allegation, description="OHCHR report", source_reliability="B", information_credibility="2"
        ),
        "allegation status change": AllegationStatusChange.objects.create(
            allegation=allegation, from_status="", to_status="reported", by=actor, role="project_manager",
            reason="Recorded.",
        ),
        "accountability step": AccountabilityStep.objects.create(
            allegation=allegation, kind="none", source="Governor's office", recorded_by=actor
        ),
        "incident accountability step": AccountabilityStep.objects.create(
            incident=incident, kind="investigation_opened", source="Prosecutor's statement", recorded_by=actor
        ),
        "name screening": screening,
        "name screening line": NameScreeningLine.objects.create(
            screening=screening, line_number=1, name="Someone Else", result="clear", outcome="clear"
        ),
        "support continuation": SupportContinuation.objects.create(
            engagement=engagement, person=person, measure=add_measure(engagement, title="Keep him out of the course"),
            reason="He commands no unit trained.", decided_by=actor,
        ),
    }
