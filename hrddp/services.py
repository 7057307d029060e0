"""Engagement services: opening a request and taking a transition."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from hrddp import access
from hrddp.activity_rules import activity_target_check
from hrddp.lifecycle import is_transition, refusal_reasons, transition_from
from hrddp.models import AuditAction, AuditEntry, Engagement, Project, Recipient, SupportActivity, User
from hrddp.notices import step_notices_create


class EngagementChangedMeanwhile(Exception):
    """Someone else acted on the engagement since the user loaded it."""

    message = "This engagement changed meanwhile: someone else acted on it. Reload the page to see its current state."


class TransitionRefused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# What every audit entry written in the current request adds to its details: the API sets the token a call
# was made with (api/views.py), so whichever service the call reaches, its entries say how it was made.
_audit_context: ContextVar[dict | None] = ContextVar("audit_context", default=None)


@contextmanager
def audit_context(**details):
    """Within the block, every audit entry's details also carry `details` (e.g. the API token used)."""
    reset = _audit_context.set({**(_audit_context.get() or {}), **details})
    try:
        yield
    finally:
        _audit_context.reset(reset)


def audit_record(
    *, engagement: Engagement | None, actor: User, action: str, justification: str,
    from_state: str = "", to_state: str = "", details: dict | None = None,
) -> AuditEntry:
    context = _audit_context.get()
    return AuditEntry.objects.create(
        engagement=engagement, actor=actor, action=action, justification=justification,
        from_state=from_state, to_state=to_state, details={**(context or {}), **(details or {})},
    )


@transaction.atomic
def engagement_open(
    *, office, project: Project, recipient: Recipient, title: str, by: User, justification: str = "",
    activities: list[dict] | None = None, focal_point=None,
) -> Engagement:
    engagement = Engagement(
        office=office, project=project, recipient=recipient, title=title, created_by=by, focal_point=focal_point
    )
    engagement.full_clean(exclude=["reference", "state"])
    engagement.save()
    for activity in activities or []:
        item = SupportActivity(engagement=engagement, **activity)
        item.full_clean()
        # Nowhere outside the recipient, nor to a unit a later Action excluded (T/Box 7).
        activity_target_check(engagement=engagement, target_unit=item.target_unit)
        item.save()
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.OPEN, to_state=engagement.state,
        justification=justification or "New request for support.",
    )
    return engagement


@transaction.atomic
def engagement_open_request(
    *, by: User, title: str, project: Project, recipient: Recipient | None, new_recipient_name: str = "",
    new_recipient_category: str = "", new_recipient_parent: Recipient | None = None, focal_point=None,
    activities: list[dict],
) -> Engagement:
    """Open a request, creating its recipient first when it is new to the office's country.

    Refuses with PermissionDenied unless `by` is a project manager of the project's office."""
    if project.office_id not in access.project_manager_office_ids(by):
        raise PermissionDenied("Only a project manager of the project's office opens a request for it.")
    if recipient is None:
        level = "force"
        if new_recipient_parent is not None:
            level = "unit" if new_recipient_parent.level == "command" else "command"
        recipient = Recipient(
            name=new_recipient_name.strip(), category=new_recipient_category, level=level,
            parent=new_recipient_parent, country=project.office.country,
        )
        recipient.full_clean()
        recipient.save()
    return engagement_open(
        office=project.office, project=project, recipient=recipient, title=title, by=by, focal_point=focal_point,
        activities=[
            {k: a[k] for k in ("description", "activity_type", "delivery", "implementing_partner")}
            | {"target_unit": a.get("target_unit")}
            for a in activities
        ],
    )


def engagement_locked(engagement: Engagement) -> Engagement:
    """The engagement's row, locked until the transaction ends and read afresh: two writes on one engagement (a
    step, a record of its Actions, a grant) then run one after the other, the second seeing the first's result.
    Lock only inside transaction.atomic()."""
    return Engagement.objects.select_for_update().get(pk=engagement.pk)


def engagement_transition(
    *, engagement_id: int, name: str, by: User, justification: str, expected_revision: int | None = None
) -> Engagement:
    """Take a transition and write its audit entry and the office's notices of it, all or nothing.

    Refuses with PermissionDenied when the user's role does not allow it,
    TransitionRefused (with the reasons) when a condition fails, and
    EngagementChangedMeanwhile when someone else acted first.
    """
    justification = (justification or "").strip()
    if not justification:
        raise TransitionRefused(["Give a justification: every decision records why it was taken."])
    if not is_transition(name):
        raise TransitionRefused([f"There is no step called '{name}'."])
    try:
        with transaction.atomic():
            # Lock the row so that two decisions on one engagement run one after
            # the other; the second then sees the first one's revision.
            engagement = Engagement.objects.select_for_update().get(pk=engagement_id)
            if expected_revision is not None and engagement.revision != expected_revision:
                raise EngagementChangedMeanwhile()
            fsm_transition = transition_from(engagement, name)
            if fsm_transition is not None and not fsm_transition.has_perm(engagement, by):
                raise PermissionDenied("Your role does not allow this step on this engagement.")
            reasons = refusal_reasons(engagement, name)
            if reasons:
                raise TransitionRefused(reasons)
            source = engagement.state
            getattr(engagement, name)(by=by, justification=justification)
            engagement.revision += 1
            engagement.state_changed_at = timezone.now()
            engagement.save()
            entry = audit_record(
                engagement=engagement, actor=by, action=name, justification=justification,
                from_state=source, to_state=engagement.state,
            )
            # The notices are written with the step, so a broker outage after commit loses none.
            step_notices_create(entry=entry)
    except ConcurrentTransition as exc:
        raise EngagementChangedMeanwhile() from exc
    return engagement
