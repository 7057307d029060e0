"""Notices about decisions on an engagement: a notification for each person concerned."""

from django.urls import reverse

from hrddp.models import AuditEntry, Notification, Role, User
from hrddp.notify import notifications_email, notify


def step_notices_create(*, entry: AuditEntry) -> list[Notification]:
    """Tell the office's project managers and Chiefs of Mission (except the actor) of a step taken.

    Called in the step's own transaction, so that the notices exist exactly when the step does,
    whatever happens to the broker afterwards; their e-mails go out after commit (see `notify`).
    Only people with an e-mail address hear of it, as before the notices were kept in the inbox."""
    engagement = entry.engagement
    recipients = (
        User.objects.filter(
            memberships__office=engagement.office_id,
            memberships__role__in=[Role.PROJECT_MANAGER, Role.CHIEF_OF_MISSION],
            is_active=True,
        )
        .exclude(pk=entry.actor_id)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return notify(
        recipients, key=f"step:{entry.pk}", kind=Notification.Kind.STEP,
        title=f"{engagement.reference}: {entry.action_label}",
        body=(
            f"{entry.actor} took the step '{entry.action_label}' on {engagement.reference} ({engagement.title}).\n"
            f"State: {entry.from_label} → {entry.to_label}\n\n"
            f"Justification:\n{entry.justification}\n"
        ),
        engagement=engagement, url=reverse("engagement_detail", args=[engagement.pk]),
    )


def transition_notice_send(*, audit_entry_id: int) -> int:
    """Write a step's notices if they are not written yet, and e-mail those not yet e-mailed.

    Steps write their notices themselves now; this serves the tasks of this name still queued
    from before, and writes nothing twice (the notices are keyed by the audit entry)."""
    entry = AuditEntry.objects.select_related("engagement", "actor").filter(pk=audit_entry_id).first()
    if entry is None or entry.engagement is None:
        return 0
    notes = step_notices_create(entry=entry)
    return notifications_email(dedupe_keys=[n.dedupe_key for n in notes])
