"""P¶25: critical difficulties are reported at once to the decision makers."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hrddp.models import SUPPORTED_STATES, Engagement, Reminder
from hrddp.queue import enqueue_after_commit
from monitoring.models import Incident


def incident_escalate(*, incident: Incident) -> Reminder | None:
    """Alert the Chief of Mission and HQ of a grave violation on active support, once per incident,
    and flag the engagement's assessment for reassessment."""
    if not incident.gives_substantial_grounds_of_grave_violation or incident.escalated_at is not None:
        return None
    engagement = incident.engagement
    if engagement.state not in SUPPORTED_STATES:
        return None
    from hrddp.tasks import deliver_reminder

    with transaction.atomic():
        now = timezone.now()
        Incident.objects.filter(pk=incident.pk).update(escalated_at=now)
        incident.escalated_at = now
        Engagement.objects.filter(pk=engagement.pk).update(
            reassessment_flagged_at=now,
            reassessment_flag_reason=(
                f"Grave violation reported on {incident.occurred_on:%d %B %Y} ({incident.recipient.name}): "
                "the risk assessment must be redone."
            ),
        )
        reminder, _ = Reminder.objects.get_or_create(
            kind=Reminder.Kind.GRAVE_VIOLATION, subject=f"incident:{incident.pk}", period="once",
            defaults={
                "engagement": engagement,
                "detail": (
                    f"An incident of {incident.occurred_on:%d %B %Y} at {incident.place or 'an unstated place'} is "
                    f"classified as a grave violation with substantial grounds against {incident.recipient}. "
                    "An intercession with the authorities is warranted (P¶26). The project manager reports it at once "
                    "to the Chief of Mission and HQ (P¶25), on the engagement's intervention page: "
                    f"{settings.SITE_URL}{reverse('case_current', args=[engagement.pk])}"
                ),
            },
        )
        enqueue_after_commit(deliver_reminder, reminder.pk)
    return reminder
