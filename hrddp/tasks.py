"""Background jobs of the core: they take ids and call services."""

from celery import shared_task
from django.core.management import call_command

from hrddp.notices import transition_notice_send
from hrddp.notify import notifications_email


@shared_task(acks_late=True)
def send_transition_notice(audit_entry_id: int) -> int:
    return transition_notice_send(audit_entry_id=audit_entry_id)


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=8)
def email_notifications(notification_ids: list[int]) -> int:
    return notifications_email(notification_ids=notification_ids)
