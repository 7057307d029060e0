"""E-mail notices about decisions on an engagement."""

from django.conf import settings
from django.core.mail import send_mass_mail

from hrddp.models import AuditEntry, Role, User


def transition_notice_send(*, audit_entry_id: int) -> int:
    """Tell the office's project managers and Chiefs of Mission what happened (except the actor)."""
    entry = AuditEntry.objects.select_related("engagement", "engagement__office", "actor").filter(pk=audit_entry_id).first()
    if entry is None or entry.engagement is None:
        return 0
    engagement = entry.engagement
    recipients = (
        User.objects.filter(
            memberships__office=engagement.office,
            memberships__role__in=[Role.PROJECT_MANAGER, Role.CHIEF_OF_MISSION],
            is_active=True,
        )
        .exclude(pk=entry.actor_id)
        .exclude(email="")
        .distinct()
    )
    subject = f"[HRDDP] {engagement.reference}: {entry.action_label}"
    body = (
        f"{entry.actor} took the step '{entry.action_label}' on {engagement.reference} ({engagement.title}).\n"
        f"State: {entry.from_label} → {entry.to_label}\n\n"
        f"Justification:\n{entry.justification}\n"
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in recipients]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
