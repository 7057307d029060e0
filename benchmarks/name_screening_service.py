"""Time and queries of screening a list of names end to end, through register.screening.name_screening_run,
on a database holding a country with many persons of interest (see benchmarks/README.md).

    .venv/bin/python benchmarks/name_screening_service.py [--persons 50000] [--lines 200 2000] [--runs 3]

Uses its own SQLite file (var/bench_screening.sqlite3, or DATABASE_URL), migrated and filled once: a country
("Syn Screening") whose recipients hold the persons of register.matching_sample (names, aliases, names in
Cyrillic and Arabic script, years of birth), 1 % of them with a substantiated allegation and 0.5 % excluded,
and an engagement with an activity screened by its project manager. Run again, it reuses them.

For each list length it screens the sample's lines (known names written otherwise, and unrelated names) as
`rows`: first with the index to build (the version renewed just before), then N times with the index kept
(another list of the same kinds each time, so that the words the index has already looked up do not help),
and prints the seconds (median, min-max) and the number of queries of each (and, of them, the statements of
the lines' bulk insert: one on PostgreSQL, one per 62 lines on SQLite, whose statements take 999 values at
most), and the lines by result. The user's roles are read once before (a process does that once a user).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_screening.sqlite3'}")

import django  # noqa: E402

django.setup()

from collections import Counter  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hrddp import access  # noqa: E402
from hrddp.models import (  # noqa: E402
    Membership,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    Role,
    SupportActivity,
    User,
)
from hrddp.services import engagement_open  # noqa: E402
from interventions.models import Exclusion  # noqa: E402
from register import screening_index  # noqa: E402
from register.matching_sample import Sample, sample_lines  # noqa: E402
from register.models import Allegation, AllegationStatus, NameScreening, PersonAlias  # noqa: E402
from register.screening import name_screening_run  # noqa: E402

COUNTRY = "Syn Screening"


def _seed(persons: int, seed: int) -> tuple[User, SupportActivity, Sample]:
    sample = Sample(persons, seed=seed)
    office = Office.objects.filter(code="synscr").first()
    if office is not None and PersonOfInterest.objects.filter(recipient__country=COUNTRY).count() == persons:
        pm = User.objects.get(username="bench.screening.pm")
        return pm, SupportActivity.objects.filter(engagement__office=office).first(), sample
    if office is not None:
        sys.exit(f"{COUNTRY} holds another number of persons: delete {connection.settings_dict['NAME']} first.")
    started = time.perf_counter()
    with transaction.atomic():
        office = Office.objects.create(code="synscr", name="Syn Screening Office", country=COUNTRY)
        pm = User.objects.create_user("bench.screening.pm", password="bench-screening-2026")
        com = User.objects.create_user("bench.screening.com", password="bench-screening-2026")
        Membership.objects.create(user=pm, office=office, role=Role.PROJECT_MANAGER)
        Membership.objects.create(user=com, office=office, role=Role.CHIEF_OF_MISSION)
        force = Recipient.objects.create(name="Syn Screening Police", country=COUNTRY, category="police")
        units = [force] + [
            Recipient.objects.create(name=f"Syn Unit {n}", country=COUNTRY, category="police", level="command",
                                     parent=force)
            for n in range(19)
        ]
        project = Project.objects.create(
            office=office, code="SYN-SCR", title="Training", start_date="2026-01-01", end_date="2027-12-31",
        )
        engagement = engagement_open(
            office=office, project=project, recipient=force, title="Training of the Syn Screening Police", by=pm,
            activities=[{"description": "Human rights training, 2,000 trainees", "activity_type": "training"}],
        )
        rows = [
            PersonOfInterest(full_name=p.names[0], birth_year=p.birth_year, recipient=units[i % len(units)])
            for i, p in enumerate(sample.persons)
        ]
        made = PersonOfInterest.objects.bulk_create(rows, batch_size=2000)
        PersonAlias.objects.bulk_create(
            [PersonAlias(person=person, name=name) for person, p in zip(made, sample.persons, strict=True)
             for name in dict.fromkeys(p.names[1:]) if name != p.names[0]],
            batch_size=2000,
        )
        Allegation.objects.bulk_create(
            [Allegation(person=person, category="gross_violations", summary="Synthetic allegation.",
                        status=AllegationStatus.SUBSTANTIATED) for person in made[::100]],
            batch_size=2000,
        )
        Exclusion.objects.bulk_create(
            [Exclusion(engagement=engagement, person=person, reason="Synthetic exclusion.", excluded_by=com)
             for person in made[50::200]],
            batch_size=2000,
        )
        screening_index.bump(COUNTRY)
    print(f"seeded {persons:,} persons of {COUNTRY} in {time.perf_counter() - started:.1f} s")
    return pm, engagement.activities.get(), sample


def _run(pm, activity, rows) -> tuple[float, str, NameScreening]:
    """Seconds, "queries (of which the batches of the lines' bulk insert)", the screening."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        screening = name_screening_run(by=pm, activity=activity, title=f"{len(rows)} trainees", rows=rows)
        seconds = time.perf_counter() - started
    inserts = sum(q["sql"].startswith('INSERT INTO "register_namescreeningline"') for q in queries.captured_queries)
    return seconds, f"{len(queries.captured_queries)} ({inserts})", screening


def _seconds(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} {min(values):6.2f}-{max(values):<6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--lines", type=int, nargs="+", default=[200, 2_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    pm, activity, sample = _seed(arguments.persons, arguments.seed)
    names = PersonOfInterest.objects.filter(recipient__country=COUNTRY).count() + PersonAlias.objects.filter(
        person__recipient__country=COUNTRY).count()
    print(f"{COUNTRY}: {arguments.persons:,} persons, {names:,} names; database {connection.vendor}")
    # The user's roles and grants, read once a process.
    access.may_prepare_or_decide(pm, activity.engagement)
    access.visible_engagements(pm).filter(pk=activity.engagement_id).exists()

    print("\nqueries: all of one screening (of which the lines' bulk insert, split by SQLite at 999 values)")
    print(f"{'lines':>6} {'index':>6} {'median s':>8} {'min-max s':>13} {'queries':>9}   results")
    for size in arguments.lines:
        lines = sample_lines(sample, size, seed=arguments.seed + 1)
        rows = [{"name": line.name, "year of birth": line.birth_year} for line in lines]
        screening_index.bump(COUNTRY)
        screening_index.forget_kept()
        seconds, queries, screening = _run(pm, activity, rows)
        results = Counter(screening.lines.values_list("result", flat=True))
        shown = ", ".join(f"{results[r]} {r}" for r in ("clear", "possible", "flagged"))
        print(f"{size:6,} {'built':>6} {_seconds([seconds])} {queries:>9}   {shown}")
        timings, counts = [], set()
        for run in range(arguments.runs):
            # Another list each time: the index keeps the words it has looked up, and a list repeats few.
            lines = sample_lines(sample, size, seed=arguments.seed + 2 + run)
            rows = [{"name": line.name, "year of birth": line.birth_year} for line in lines]
            seconds, queries, screening = _run(pm, activity, rows)
            timings.append(seconds)
            counts.add(queries)
        print(f"{size:6,} {'kept':>6} {_seconds(timings)} {'/'.join(sorted(counts)):>9}")


if __name__ == "__main__":
    main()
