"""Background jobs of the core: they take ids and call services."""

from celery import shared_task
from django.core.management import call_command

from hrddp.notices import transition_notice_send
from hrddp.notify import notifications_email, outbox_drain, reminder_deliver

# One run of the outbox sweep goes on, batch after batch, for at most this long: the next run
# starts a minute later.
SWEEP_SECONDS = 50


@shared_task(acks_late=True)
def send_transition_notice(audit_entry_id: int) -> int:
    return transition_notice_send(audit_entry_id=audit_entry_id)


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=8)
def email_notifications(notification_ids: list[int] | None = None, dedupe_keys: list[str] | None = None) -> int:
    return notifications_email(notification_ids=notification_ids, dedupe_keys=dedupe_keys)


@shared_task(acks_late=True)
def deliver_outbox() -> dict:
    """Every minute: deliver what the tasks sent after commit did not (a broker outage, a worker
    killed), so that nothing written waits longer than a minute after the queue is back."""
    return outbox_drain(seconds=SWEEP_SECONDS)


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=8)
def deliver_reminder(self, reminder_id: int) -> bool:
    return reminder_deliver(reminder_id=reminder_id)
