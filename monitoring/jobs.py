"""The scheduled jobs, as plain functions: beat runs them through Celery, and
operators through `manage.py run_job`."""

from __future__ import annotations

import logging
from datetime import date

from hrddp.queue import enqueue_after_commit
from monitoring.reminders import reminders_due, reminders_record

logger = logging.getLogger(__name__)


def job_daily_reminders(*, today: date) -> dict:
    """Record what is due today and deliver every reminder not yet delivered
    (including any a broker outage held back)."""
    from monitoring.tasks import deliver_reminder

    due = reminders_due(today=today)
    pending = reminders_record(due=due)
    for pk in pending:
        enqueue_after_commit(deliver_reminder, pk)
    return {"due": len(due), "to_deliver": len(pending)}


def job_quarterly_reports(*, today: date) -> dict:
    from monitoring.reports import reports_for_quarter

    return reports_for_quarter(today=today)


JOBS = {
    "daily_reminders": job_daily_reminders,
    "quarterly_reports": job_quarterly_reports,
}
