"""Background jobs of the core: they take ids and call services."""

from celery import shared_task
from django.core.management import call_command

from hrddp.notices import transition_notice_send


@shared_task(acks_late=True)
def send_transition_notice(audit_entry_id: int) -> int:
    return transition_notice_send(audit_entry_id=audit_entry_id)


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")
