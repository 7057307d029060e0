"""The scheduled jobs, as plain functions: beat runs them through Celery, and
operators through `manage.py run_job`."""

from __future__ import annotations

import logging
from datetime import date

from hrddp.notify import outbox_drain
from hrddp.queue import enqueue_after_commit
from hrddp.tasks import deliver_reminder
from monitoring.reminders import reminders_due, reminders_record

logger = logging.getLogger(__name__)

OUTBOX_BY_HAND_SECONDS = 600


def job_daily_reminders(*, today: date) -> dict:
    """Record what is due today and deliver every reminder not yet delivered (including any that
    a broker outage held back). Should a delivery task be lost, the outbox sweep delivers it."""
    due = reminders_due(today=today)
    pending = reminders_record(due=due)
    for pk in pending:
        enqueue_after_commit(deliver_reminder, pk)
    return {"due": len(due), "to_deliver": len(pending)}


def job_outbox(*, today: date) -> dict:
    """Deliver every reminder not yet delivered and send every e-mail still waiting, now (beat runs
    it every minute; by hand it drains what is left)."""
    return outbox_drain(seconds=OUTBOX_BY_HAND_SECONDS)


def job_quarterly_reports(*, today: date) -> dict:
    from monitoring.reports import reports_for_quarter

    return reports_for_quarter(today=today)


JOBS = {
    "daily_reminders": job_daily_reminders,
    "quarterly_reports": job_quarterly_reports,
    "outbox": job_outbox,
}
