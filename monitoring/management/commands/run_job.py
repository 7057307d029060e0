from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring.jobs import JOBS


class Command(BaseCommand):
    help = "Run a scheduled job now (for operators and the demo): " + ", ".join(JOBS)

    def add_arguments(self, parser):
        parser.add_argument("job", choices=sorted(JOBS))
        parser.add_argument("--date", dest="day", help="Run as on this day (YYYY-MM-DD); default today.")

    def handle(self, *args, job, day=None, **options):
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        result = JOBS[job](today=today)
        self.stdout.write(self.style.SUCCESS(f"{job} ({today.isoformat()}): {result}"))
