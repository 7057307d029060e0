"""manage.py generate_portfolio: a large synthetic portfolio to measure the portfolio pages on."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from portfolio.management.synthetic.build import BENCH_HQ, BENCH_PM, PASSWORD, Sizes, portfolio_generate
from portfolio.management.synthetic.clear import ClearRefused, portfolio_clear, synthetic_offices, synthetic_present
from register import screening_index


class Command(BaseCommand):
    help = (
        "Generate a large synthetic portfolio (offices coded syn01, syn02, …) for measuring the portfolio pages. "
        "Writes fake data: refused unless DEBUG is on or --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offices", type=int, default=50)
        parser.add_argument("--engagements", type=int, default=10_000)
        parser.add_argument("--incidents", type=int, default=200_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clear", action="store_true", help="Remove the synthetic portfolio first, then generate.")
        parser.add_argument("--clear-only", action="store_true", help="Remove the synthetic portfolio and stop.")
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG is off: this writes fake data. Give --force if this really is a test database.")
        sizes = Sizes(offices=options["offices"], engagements=options["engagements"], incidents=options["incidents"])
        if options["clear"] or options["clear_only"]:
            self._clear()
            if options["clear_only"]:
                return
        if synthetic_present():
            raise CommandError(
                f"A synthetic portfolio is already here ({synthetic_offices().count()} offices): "
                "give --clear to replace it."
            )
        if sizes.offices < 1 or sizes.engagements < 1 or sizes.incidents < 0:
            raise CommandError("Give at least one office and one engagement, and no negative count.")
        self.stdout.write(
            f"Generating {sizes.offices:,} offices, {sizes.engagements:,} engagements, {sizes.incidents:,} incidents "
            f"(seed {options['seed']}) on {connection.vendor} …"
        )
        started = time.monotonic()
        counts = portfolio_generate(sizes=sizes, seed=options["seed"], now=timezone.now(), say=self.stdout.write)
        screening_index.bump_all()  # persons written in bulk, without signals: the name indexes are built again
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would soon give, so the pages are measured with good plans.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write("Made:")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<40} {count:>9,}")
        self.stdout.write(self.style.SUCCESS(f"Generated {sum(counts.values()):,} rows in {elapsed:.1f} s."))
        self.stdout.write(f"Logins: {BENCH_HQ} (HQ, every office), {BENCH_PM} (project manager, first office); password {PASSWORD}")

    def _clear(self) -> None:
        started = time.monotonic()
        try:
            counts = portfolio_clear()
        except ClearRefused as exc:
            raise CommandError(str(exc)) from exc
        screening_index.bump_all()
        self.stdout.write(f"Removed {sum(counts.values()):,} synthetic rows in {time.monotonic() - started:.1f} s.")
