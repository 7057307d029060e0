"""Background jobs of the core: they take ids and call services."""

import logging

from celery import shared_task
from django.core.management import call_command

from hrddp.notices import transition_notice_send
from hrddp.notify import notifications_email, outbox_drain, reminder_deliver
from hrddp.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

# Reminders per delivery task: a job that finds thousands due publishes a message per hundred, not
# one per reminder (publishing was most of the daily job's time).
REMINDER_BATCH_SIZE = 100

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


@shared_task(bind=True, acks_late=True, max_retries=8)
def deliver_reminders(self, reminder_ids: list[int]) -> int:
    """Deliver each reminder of the batch; each is claimed on its own (`reminder_deliver`), so a batch
    delivered twice, or beside the outbox sweep, sends each reminder once. Those that failed are
    retried, alone, later (and the sweep delivers them should the retries run out)."""
    failed = []
    for pk in reminder_ids:
        try:
            reminder_deliver(reminder_id=pk)
        except Exception:  # noqa: BLE001 - one reminder's failure must not hold back the others
            logger.exception("Reminder %s could not be delivered; it is retried.", pk)
            failed.append(pk)
    if failed:
        raise self.retry(args=[failed], countdown=30 * 2 ** self.request.retries)
    return len(reminder_ids)


def reminders_enqueue(reminder_ids: list[int], *, batch_size: int | None = None) -> None:
    """Deliver these reminders in the background after commit: one task per batch of `batch_size`
    (default REMINDER_BATCH_SIZE)."""
    batch_size = batch_size or REMINDER_BATCH_SIZE
    ids = list(reminder_ids)
    for start in range(0, len(ids), batch_size):
        enqueue_after_commit(deliver_reminders, ids[start:start + batch_size])
