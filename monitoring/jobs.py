"""The scheduled jobs, as plain functions: beat runs them through Celery, and
operators through `manage.py run_job`."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.utils import timezone

from hrddp.models import Notification
from hrddp.queue import enqueue_after_commit
from monitoring.reminders import reminders_due, reminders_record

logger = logging.getLogger(__name__)

# A notification still not e-mailed after this long was held back (e.g. by a broker outage).
UNMAILED_AFTER = timedelta(minutes=10)


def job_daily_reminders(*, today: date) -> dict:
    """Record what is due today and deliver every reminder not yet delivered,
    and e-mail every notification not yet e-mailed (including any that a
    broker outage held back)."""
    from hrddp.tasks import email_notifications
    from monitoring.tasks import deliver_reminder

    due = reminders_due(today=today)
    pending = reminders_record(due=due)
    for pk in pending:
        enqueue_after_commit(deliver_reminder, pk)
    unmailed = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=timezone.now() - UNMAILED_AFTER)
        .values_list("pk", flat=True)
    )
    for start in range(0, len(unmailed), 200):
        enqueue_after_commit(email_notifications, unmailed[start:start + 200])
    return {"due": len(due), "to_deliver": len(pending), "to_email": len(unmailed)}


def job_quarterly_reports(*, today: date) -> dict:
    from monitoring.reports import reports_for_quarter

    return reports_for_quarter(today=today)


JOBS = {
    "daily_reminders": job_daily_reminders,
    "quarterly_reports": job_quarterly_reports,
}
