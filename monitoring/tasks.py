"""Background jobs of monitoring: they take ids (or a date) and call services."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from hrddp.notify import reminder_deliver
from monitoring import jobs
from monitoring.report_tasks import quarterly_portfolio, quarterly_report_chunk  # noqa: F401 - registered with the worker


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=8)
def deliver_reminder(self, reminder_id: int) -> bool:
    # Kept under its old name for messages queued before delivery moved to the core (hrddp.tasks).
    return reminder_deliver(reminder_id=reminder_id)


@shared_task(acks_late=True)
def daily_reminders(day: str | None = None) -> dict:
    return jobs.job_daily_reminders(today=date.fromisoformat(day) if day else timezone.localdate())


@shared_task(acks_late=True)
def quarterly_reports(day: str | None = None) -> dict:
    # Beat's run: the reports are spread over the workers, in chunks.
    return jobs.job_quarterly_reports_fan_out(today=date.fromisoformat(day) if day else timezone.localdate())
