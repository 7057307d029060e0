from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring.jobs import FAN_OUT_JOBS, JOBS


class Command(BaseCommand):
    help = "Run a scheduled job now (for operators and the demo): " + ", ".join(JOBS)

    def add_arguments(self, parser):
        parser.add_argument("job", choices=sorted(JOBS))
        parser.add_argument("--date", dest="day", help="Run as on this day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--fan-out", action="store_true",
            help="Spread the work over the Celery workers and return once it is enqueued (as beat does): "
            + ", ".join(FAN_OUT_JOBS) + ". Without it the job runs in this process.",
        )

    def handle(self, *args, job, day=None, fan_out=False, **options):
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        if fan_out and job not in FAN_OUT_JOBS:
            raise CommandError(f"--fan-out: {job} runs in one process only.")
        result = (FAN_OUT_JOBS if fan_out else JOBS)[job](today=today)
        self.stdout.write(self.style.SUCCESS(f"{job} ({today.isoformat()}): {result}"))
