"""The scheduled jobs, as plain functions: beat runs them through Celery, and
operators through `manage.py run_job`."""

from __future__ import annotations

import logging
from datetime import date

from hrddp.notify import outbox_drain
from hrddp.queue import enqueue_after_commit
from hrddp.tasks import reminders_enqueue
from monitoring.reminders import reminders_due, reminders_record

logger = logging.getLogger(__name__)

OUTBOX_BY_HAND_SECONDS = 600


def job_daily_reminders(*, today: date) -> dict:
    """Record what is due today and deliver every reminder not yet delivered (including any that
    a broker outage held back). Should a delivery task be lost, the outbox sweep delivers it."""
    due = reminders_due(today=today)
    pending = reminders_record(due=due)
    reminders_enqueue(pending)
    return {"due": len(due), "to_deliver": len(pending)}


def job_outbox(*, today: date) -> dict:
    """Deliver every reminder not yet delivered and send every e-mail still waiting, now (beat runs
    it every minute; by hand it drains what is left)."""
    return outbox_drain(seconds=OUTBOX_BY_HAND_SECONDS)


def job_quarterly_reports(*, today: date) -> dict:
    """Every report of the quarter that ended, made in this process (by hand: `run_job`)."""
    from monitoring.reports import reports_for_quarter

    return reports_for_quarter(today=today)


def job_quarterly_reports_fan_out(*, today: date) -> dict:
    """The same reports spread over the workers (beat's run; `run_job --fan-out`): a task per chunk
    of engagements without a report, enqueued after commit, and the roll-up's task after them,
    which waits until no report is missing. Returns once they are enqueued."""
    from monitoring.quarters import quarter_of
    from monitoring.report_tasks import quarterly_portfolio, quarterly_report_chunk
    from monitoring.reports import report_reminders_record, reports_to_make

    quarter = quarter_of(today).previous()
    chunks = reports_to_make(quarter=quarter)
    for ids in chunks:
        enqueue_after_commit(quarterly_report_chunk, quarter.label, ids)
    # The reports made already (a run before this one) whose reminders are not yet delivered.
    reminders_enqueue(report_reminders_record(quarter))
    enqueue_after_commit(quarterly_portfolio, quarter.label)
    return {"quarter": quarter.label, "chunks": len(chunks), "engagements": sum(len(ids) for ids in chunks)}


# The jobs that can also be spread over the worker pool (`run_job JOB --fan-out`).
FAN_OUT_JOBS = {
    "quarterly_reports": job_quarterly_reports_fan_out,
}

JOBS = {
    "daily_reminders": job_daily_reminders,
    "quarterly_reports": job_quarterly_reports,
    "outbox": job_outbox,
}
