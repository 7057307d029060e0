"""The engagement: one support relationship carried through Actions 1–7."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from hrddp import guards
from hrddp.models.audit_actions import AuditAction


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCREENING = "screening", "Screening"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    PRECONDITIONS = "preconditions", "Preconditions"
    INELIGIBLE = "ineligible", "Ineligible"
    COORDINATION = "coordination", "Coordination"
    ASSESSMENT = "assessment", "Risk assessment"
    ENDORSEMENT = "endorsement", "Awaiting endorsement"
    DECLINED = "declined", "Declined"
    MITIGATION = "mitigation", "Mitigation plan"
    APPROVAL = "approval", "Awaiting approval"
    ACTIVE = "active", "Active"
    INTERCESSION = "intercession", "Intercession"
    SUSPENDED = "suspended", "Suspended"
    CEASED = "ceased", "Ceased"
    CLOSED = "closed", "Closed"


# How the states group, wherever the app reads a portfolio or decides what follows a step.
# Support under way: the recipient receives support, so a grave violation escalates (P¶25).
SUPPORTED_STATES = [State.ACTIVE, State.INTERCESSION, State.SUSPENDED]
# Being prepared (Actions 1–5).
PREPARING_STATES = [
    State.DRAFT, State.SCREENING, State.PRECONDITIONS, State.COORDINATION, State.ASSESSMENT,
    State.ENDORSEMENT, State.MITIGATION, State.APPROVAL,
]
# No longer in the workflow, whether or not support was ever given.
ENDED_STATES = [State.NOT_APPLICABLE, State.INELIGIBLE, State.DECLINED, State.CEASED, State.CLOSED]

PRE_ACTIVE_STATES = [
    State.DRAFT,
    State.SCREENING,
    State.NOT_APPLICABLE,
    State.PRECONDITIONS,
    State.COORDINATION,
    State.ASSESSMENT,
    State.ENDORSEMENT,
    State.DECLINED,
    State.MITIGATION,
    State.APPROVAL,
]

# --- Who takes a step -----------------------------------------------------------


class StepBy(models.TextChoices):
    """Whose part a step is: the project manager's (preparing), the Chief of Mission's (deciding) or either's."""

    PREPARE = "prepare", "Project manager"
    DECIDE = "decide", "Chief of Mission"
    PREPARE_OR_DECIDE = "prepare_or_decide", "Project manager or Chief of Mission"


class StepPermission:
    """A transition's django-fsm permission: whether a user may take a step that is `part`'s, on this engagement.

    hrddp.access answers, from the user's roles in the engagement's office and the grants on it. It reads
    these models, so they do not import it: the app hands its answer in when it is ready
    (HrddpConfig.ready, `answered_by`), before any request or task asks."""

    _answer: Callable[[object, Engagement, StepBy], bool] | None = None

    def __init__(self, part: StepBy):
        self.part = part

    @classmethod
    def answered_by(cls, answer: Callable[[object, Engagement, StepBy], bool]) -> None:
        cls._answer = answer

    def __call__(self, engagement: Engagement, user) -> bool:
        answer = StepPermission._answer
        if answer is None:
            raise ImproperlyConfigured("No answer to who may take a step: the hrddp app is not ready.")
        return answer(user, engagement, self.part)


def _step(action: AuditAction, by: StepBy, style: str = "primary") -> dict:
    """A transition's permission and what the pages show of it. `action` is the step's name in the audit
    trail (the transition's own name) and gives its label."""
    return {
        "permission": StepPermission(by),
        "custom": {"label": action.label, "who": by.label, "style": style},
    }


# A step's body changes the engagement itself. What it opens or closes in a later Action's records (the
# screening's suggested answers, an assessment version, the plan's core measures, the intervention case) is
# attached by that Action's app (hrddp.step_effects), so the core imports none of them.


class Engagement(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(max_length=40, unique=True, editable=False)
    title = models.CharField(max_length=250)
    office = models.ForeignKey("hrddp.Office", on_delete=models.PROTECT, related_name="engagements")
    project = models.ForeignKey("hrddp.Project", on_delete=models.PROTECT, related_name="engagements")
    recipient = models.ForeignKey(
        "hrddp.Recipient", on_delete=models.PROTECT, related_name="engagements",
        help_text="The force, command or unit that receives the support.",
    )
    focal_point = models.ForeignKey(
        "hrddp.GovernmentFocalPoint", on_delete=models.PROTECT, null=True, blank=True, related_name="engagements"
    )
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    # Bumped by every transition: a form carries the revision its user saw, so
    # a decision taken on a stale page is refused rather than silently applied.
    revision = models.PositiveIntegerField(default=0, editable=False)
    previous_request = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="later_requests",
        help_text="The earlier request this one reopens (e.g. after an ineligible one).",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    state_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    support_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when monitoring shows the assessment must be redone (e.g. a grave violation, P¶25).
    reassessment_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    reassessment_flag_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            # The codenames are hrddp.access's PREPARE, DECIDE, CONFIDENTIAL, EXPORT and IMPORT.
            ("prepare_engagement", "Can prepare due-diligence steps (project manager)"),
            ("decide_engagement", "Can take decisions on support (Chief of Mission)"),
            ("view_confidential", "Can read the confidential details of incidents (victims, witnesses, sources)"),
            ("export_lists", "Can export the lists it sees to CSV and XLSX"),
            ("import_records", "Can import recipients, persons of interest and incidents from CSV and XLSX"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def clean(self):
        if self.project_id and self.office_id and self.project.office_id != self.office_id:
            raise ValidationError({"project": "The project belongs to another office."})

    def save(self, *args, **kwargs):
        if not self.reference and self.office_id:
            self.reference = self._next_reference()
        super().save(*args, **kwargs)

    def _next_reference(self):
        year = timezone.now().year
        prefix = f"{self.office.code.upper()}-{year}-"
        last = (
            Engagement.objects.filter(reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        return f"{prefix}{number:03d}"

    def _clear_reassessment_flag(self):
        # An endorsed (re)assessment answers the flag that asked for it.
        self.reassessment_flagged_at = None
        self.reassessment_flag_reason = ""

    @property
    def current_assessment(self):
        return self.assessments.order_by("-version").first()

    @property
    def open_intervention_case(self):
        """The intercession under way (Action 7), if any."""
        return self.intervention_cases.filter(closed_at__isnull=True).order_by("-opened_at", "-pk").first()

    # --- Draft and Action 1 -------------------------------------------------

    @transition(
        field=state, source=State.DRAFT, target=State.SCREENING,
        conditions=[guards.activities_described],
        **_step(AuditAction.START_SCREENING, StepBy.PREPARE),
    )
    def start_screening(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.SCREENING, target=State.NOT_APPLICABLE,
        conditions=[guards.screening_answered, guards.screening_concludes_not_applicable, guards.no_non_exempt_activity],
        **_step(AuditAction.CONCLUDE_NOT_APPLICABLE, StepBy.PREPARE, "secondary"),
    )
    def conclude_not_applicable(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.SCREENING, target=State.PRECONDITIONS,
        conditions=[guards.screening_answered, guards.screening_concludes_applicable],
        **_step(AuditAction.CONCLUDE_APPLICABLE, StepBy.PREPARE),
    )
    def conclude_applicable(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.NOT_APPLICABLE, target=State.SCREENING,
        **_step(AuditAction.REOPEN_SCREENING, StepBy.PREPARE, "secondary"),
    )
    def reopen_screening(self, *, by, justification):
        pass

    # --- Action 2 -------------------------------------------------------------

    @transition(
        field=state, source=State.PRECONDITIONS, target=State.COORDINATION,
        conditions=[guards.all_preconditions_met],
        **_step(AuditAction.PASS_PRECONDITIONS, StepBy.PREPARE),
    )
    def pass_preconditions(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.PRECONDITIONS, target=State.INELIGIBLE,
        conditions=[guards.some_precondition_not_met],
        **_step(AuditAction.FAIL_PRECONDITIONS, StepBy.PREPARE_OR_DECIDE, "danger"),
    )
    def fail_preconditions(self, *, by, justification):
        pass

    # --- Action 3 -------------------------------------------------------------

    @transition(
        field=state, source=State.COORDINATION, target=State.ASSESSMENT,
        conditions=[guards.coordination_recorded],
        **_step(AuditAction.COMPLETE_COORDINATION, StepBy.PREPARE),
    )
    def complete_coordination(self, *, by, justification):
        pass

    # --- Action 4 -------------------------------------------------------------

    @transition(
        field=state, source=State.ASSESSMENT, target=State.ENDORSEMENT,
        conditions=[guards.assessment_complete],
        **_step(AuditAction.SUBMIT_ASSESSMENT, StepBy.PREPARE),
    )
    def submit_assessment(self, *, by, justification):
        self.current_assessment.mark_submitted(by=by)

    @transition(
        field=state, source=State.ENDORSEMENT, target=State.ASSESSMENT,
        **_step(AuditAction.RETURN_ASSESSMENT, StepBy.DECIDE, "secondary"),
    )
    def return_assessment(self, *, by, justification):
        self.current_assessment.mark_returned(by=by, comments=justification)

    @transition(
        field=state, source=State.ENDORSEMENT, target=State.MITIGATION,
        conditions=[guards.attached("endorse")],
        **_step(AuditAction.ENDORSE, StepBy.DECIDE),
    )
    def endorse(self, *, by, justification):
        self.current_assessment.mark_endorsed(by=by, comments=justification)
        self._clear_reassessment_flag()

    @transition(
        field=state, source=State.ENDORSEMENT, target=State.ACTIVE,
        conditions=[guards.supported_before_with_standing_plan, guards.attached("endorse_plan_stands")],
        **_step(AuditAction.ENDORSE_PLAN_STANDS, StepBy.DECIDE, "secondary"),
    )
    def endorse_plan_stands(self, *, by, justification):
        self.current_assessment.mark_endorsed(by=by, comments=justification)
        self._clear_reassessment_flag()

    @transition(
        field=state, source=State.ENDORSEMENT, target=State.DECLINED,
        conditions=[guards.assessment_rated_high],
        **_step(AuditAction.DECLINE, StepBy.DECIDE, "danger"),
    )
    def decline(self, *, by, justification):
        self.current_assessment.mark_declined(by=by, comments=justification)

    @transition(
        field=state, source=State.DECLINED, target=State.ASSESSMENT,
        **_step(AuditAction.RECONSIDER, StepBy.DECIDE, "secondary"),
    )
    def reconsider(self, *, by, justification):
        pass

    # --- Action 5 -------------------------------------------------------------

    @transition(
        field=state, source=State.MITIGATION, target=State.APPROVAL,
        conditions=[guards.mitigation_plan_complete],
        **_step(AuditAction.SUBMIT_PLAN, StepBy.PREPARE),
    )
    def submit_plan(self, *, by, justification):
        self.mitigation_plan.mark_submitted(by=by)

    @transition(
        field=state, source=State.APPROVAL, target=State.ACTIVE,
        conditions=[
            guards.residual_risk_not_high, guards.notification_letter_issued, guards.intervention_procedure_filled,
            guards.attached("approve_support"),
        ],
        **_step(AuditAction.APPROVE_SUPPORT, StepBy.DECIDE),
    )
    def approve_support(self, *, by, justification):
        self.support_approved_at = timezone.now()

    @transition(
        field=state, source=State.APPROVAL, target=State.MITIGATION,
        **_step(AuditAction.RETURN_PLAN, StepBy.DECIDE, "secondary"),
    )
    def return_plan(self, *, by, justification):
        pass

    # --- Action 6 -------------------------------------------------------------

    @transition(
        field=state, source=State.ACTIVE, target=State.ASSESSMENT,
        **_step(AuditAction.START_REASSESSMENT, StepBy.PREPARE, "secondary"),
    )
    def start_reassessment(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.ACTIVE, target=State.CLOSED,
        **_step(AuditAction.CLOSE, StepBy.PREPARE_OR_DECIDE, "secondary"),
    )
    def close(self, *, by, justification):
        pass

    # --- Action 7 -------------------------------------------------------------

    @transition(
        field=state, source=State.ACTIVE, target=State.INTERCESSION,
        conditions=[guards.grave_violation_reported],
        **_step(AuditAction.OPEN_INTERCESSION, StepBy.PREPARE_OR_DECIDE, "danger"),
    )
    def open_intercession(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.INTERCESSION, target=State.INTERCESSION,
        conditions=[guards.course_of_action_chosen],
        **_step(AuditAction.RECORD_COURSE_OF_ACTION, StepBy.DECIDE),
    )
    def record_course_of_action(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.INTERCESSION, target=State.ACTIVE,
        conditions=[guards.course_of_action_recorded_before_result, guards.attached("resolve")],
        **_step(AuditAction.RESOLVE, StepBy.DECIDE),
    )
    def resolve(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.INTERCESSION, target=State.SUSPENDED,
        conditions=[guards.course_of_action_recorded, guards.suspension_risks_evaluated, guards.attached("suspend")],
        **_step(AuditAction.SUSPEND, StepBy.DECIDE, "danger"),
    )
    def suspend(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.SUSPENDED, target=State.ACTIVE,
        conditions=[guards.attached("resume")],
        **_step(AuditAction.RESUME, StepBy.DECIDE),
    )
    def resume(self, *, by, justification):
        pass

    @transition(
        field=state, source=State.INTERCESSION, target=State.CEASED,
        conditions=[guards.suspension_skip_explained, guards.attached("cease")],
        **_step(AuditAction.CEASE, StepBy.DECIDE, "danger"),
    )
    @transition(
        field=state, source=State.SUSPENDED, target=State.CEASED,
        conditions=[guards.attached("cease")],
        **_step(AuditAction.CEASE, StepBy.DECIDE, "danger"),
    )
    def cease(self, *, by, justification):
        pass

    # --- Any time before support starts --------------------------------------

    @transition(
        field=state, source=PRE_ACTIVE_STATES, target=State.CLOSED,
        **_step(AuditAction.WITHDRAW_REQUEST, StepBy.PREPARE, "secondary"),
    )
    def withdraw_request(self, *, by, justification):
        pass


class EngagementUserObjectPermission(UserObjectPermissionBase):
    """A per-engagement grant to one user (e.g. a delegate of the Chief of Mission)."""

    content_object = models.ForeignKey(Engagement, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        ordering = ["content_object", "user", "permission"]


class EngagementGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Engagement, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        ordering = ["content_object", "group", "permission"]
