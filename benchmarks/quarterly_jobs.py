"""Time the quarterly job on a generated portfolio (see benchmarks/README.md): in one process, and
spread over real Celery workers of 1, 2… processes.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python benchmarks/quarterly_jobs.py [--date 2026-10-05] [--workers 1 2] [--in-process]

Before each run the quarter's reports, roll-up and report reminders are removed (the rows and
their PDF files), so every run makes all of them. A fanned-out run is timed from the job's call
to the moment the roll-up exists (it is made once every engagement's report is), with the
workers already started and idle; the broker's queue is purged first. It writes fake reports:
use it on a benchmark database only.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from hrddp.models import Reminder  # noqa: E402
from monitoring.jobs import job_quarterly_reports, job_quarterly_reports_fan_out  # noqa: E402
from monitoring.models import IndicatorReport, PortfolioReport  # noqa: E402
from monitoring.quarters import quarter_of  # noqa: E402
from monitoring.reports import engagements_active_during  # noqa: E402

CELERY = str(ROOT / ".venv" / "bin" / "celery")


def clear(quarter) -> None:
    for model in (IndicatorReport, PortfolioReport):
        for report in model.objects.filter(quarter_start=quarter.start):
            report.pdf.delete(save=False)
        model.objects.filter(quarter_start=quarter.start).delete()
    Reminder.objects.filter(kind=Reminder.Kind.QUARTERLY_REPORT, period=quarter.label).delete()


def start_workers(processes: int, log: Path) -> subprocess.Popen:
    subprocess.run([CELERY, "-A", "config", "purge", "-f"], cwd=ROOT, check=True, capture_output=True)
    worker = subprocess.Popen(
        [CELERY, "-A", "config", "worker", "--concurrency", str(processes), "--pool", "prefork",
         "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The worker did not start; see {log}")
        time.sleep(0.5)
    time.sleep(1)  # the pool's processes finish importing
    return worker


def stop_workers(worker: subprocess.Popen) -> None:
    # A warm shutdown: the worker finishes the tasks it runs (the e-mails of the reminders), then exits.
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def timed_fan_out(quarter, today: date, processes: int, timeout: float) -> float:
    clear(quarter)
    worker = start_workers(processes, ROOT / "var" / f"bench-worker-{processes}.log")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        started = time.perf_counter()
        result = job_quarterly_reports_fan_out(today=today)
        while not PortfolioReport.objects.filter(quarter_start=quarter.start).exists():
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"No roll-up after {timeout} s")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        stop_workers(worker)
    # The CPU time of the worker and its pool processes (reaped when it stops), starting included:
    # on a busy machine, the parallelism the workers got is that CPU time over the wall time.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    made = IndicatorReport.objects.filter(quarter_start=quarter.start).count()
    print(
        f"  {processes} worker process(es): {elapsed:6.1f} s  ({result['chunks']} chunks, {made} reports; "
        f"workers' CPU {cpu:.1f} s; load average {os.getloadavg()[0]:.1f})"
    )
    return elapsed


def timed_in_process(quarter, today: date) -> float:
    clear(quarter)
    started = time.perf_counter()
    result = job_quarterly_reports(today=today)
    elapsed = time.perf_counter() - started
    print(
        f"  in one process (run_job):  {elapsed:6.1f} s  ({result['created']} reports; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", default="2026-10-05", help="Run as on this day: the quarter before it is reported.")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="Worker process counts to time.")
    parser.add_argument("--in-process", action="store_true", help="Also time the job in one process.")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    if settings.CELERY_BROKER_URL.startswith("memory://") or settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Give a real broker (CELERY_BROKER_URL) and no eager tasks.")
    today = date.fromisoformat(args.date)
    quarter = quarter_of(today).previous()
    (ROOT / "var").mkdir(exist_ok=True)
    print(
        f"{quarter.label}: {engagements_active_during(quarter).count()} active engagements; "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, broker {settings.CELERY_BROKER_URL.split(':')[0]}, "
        f"{os.cpu_count()} CPU(s)"
    )
    if args.in_process:
        timed_in_process(quarter, today)
    for processes in args.workers:
        timed_fan_out(quarter, today, processes, args.timeout)


if __name__ == "__main__":
    main()
