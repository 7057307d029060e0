"""10,000 rows per kind, dry run and confirm: a bounded number of queries (bulk writes, foreign keys
resolved from dictionaries loaded once), and seconds rather than minutes. With -s it prints the times:

    .venv/bin/pytest tests/test_import_benchmark.py -q -s
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp.models import CommandPeriod, PersonOfInterest, Recipient, RecipientLevel, State
from monitoring.models import Incident
from tests.factories import EngagementFactory
from tests.test_import_helpers import (
    INCIDENT_HEADERS,
    PERSON_HEADERS,
    RECIPIENT_HEADERS,
    confirm,
    csv_file,
    dry_run,
    xlsx_file,
)

N = 10_000
# The library's row-by-row path runs several queries per row (tens of thousands here).
MAX_QUERIES = 1_000
# Generous, for a loaded machine: the point is seconds, not minutes.
MAX_SECONDS = 60


def _timed(label, call):
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        result = call()
    seconds = time.perf_counter() - started
    print(f"\n{label}: {seconds:.2f} s, {len(captured)} queries")
    assert len(captured) <= MAX_QUERIES, label
    assert seconds < MAX_SECONDS, label
    return result


def _recipient_rows():
    rows = []
    for f in range(111):
        rows.append([f"Force {f}", "Darvonia", "police", "force", ""])
        for c in range(30):
            rows.append([f"Command {f}.{c}", "Darvonia", "", "command", f"Force {f}"])
            for u in range(2):
                rows.append([f"Unit {f}.{c}.{u}", "Darvonia", "", "unit", f"Force {f} › Command {f}.{c}"])
    rows = rows[:N]
    return list(reversed(rows))  # children before their parents


@pytest.fixture
def units(office_a):
    force = Recipient.objects.create(name="Darvonian Police Force", country="Darvonia", category="police")
    made = []
    for c in range(10):
        command = Recipient.objects.create(
            name=f"Command {c}", country="Darvonia", category="police", level=RecipientLevel.COMMAND, parent=force
        )
        made += [command] + [
            Recipient.objects.create(
                name=f"Unit {c}.{u}", country="Darvonia", category="police", level="unit", parent=command
            )
            for u in range(10)
        ]
    return force, made


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ten_thousand_recipients(pm, fmt):
    build = csv_file if fmt == "csv" else xlsx_file
    upload = build(RECIPIENT_HEADERS, _recipient_rows(), name=f"recipients.{fmt}")
    outcome = _timed(f"recipients {fmt} dry run ({N} rows)", lambda: dry_run("recipients", pm, upload))
    assert outcome.ok, outcome.error_rows[:3]
    done = _timed(f"recipients {fmt} confirm ({N} rows)", lambda: confirm(pm, outcome))
    assert done.imported and Recipient.objects.count() == N


def test_ten_thousand_persons_with_command_periods(pm, units):
    force, made = units
    rows = []
    for p in range(N // 2):
        unit = made[p % len(made)]
        path = f"{unit.parent.name} › {unit.name}"
        rows.append([f"Person {p}", "Major", force.name, "", "Deputy", path, "2015-01-01", "2019-12-31"])
        rows.append([f"Person {p}", "Major", force.name, "", "Commander", path, "2020-01-01", ""])
    upload = csv_file(PERSON_HEADERS, rows, name="persons.csv")
    outcome = _timed(f"persons dry run ({N} rows)", lambda: dry_run("persons", pm, upload))
    assert outcome.ok, outcome.error_rows[:3]
    done = _timed(f"persons confirm ({N} rows)", lambda: confirm(pm, outcome))
    assert done.imported and PersonOfInterest.objects.count() == N // 2 and CommandPeriod.objects.count() == N


def test_ten_thousand_incidents(client, pm, com, hq, office_a, units):
    force, made = units
    active = EngagementFactory(office=office_a, state=State.ACTIVE, recipient=force)
    others = [EngagementFactory(office=office_a, recipient=force) for _ in range(4)]
    rows = []
    for i in range(N):
        engagement = active if i % 5 == 0 else others[i % 4]
        grave = "yes" if i % 500 == 0 else "no"
        rows.append([
            engagement.reference, "2025-06-01", "Kael checkpoint", f"Allegation number {i}: traders beaten.",
            made[i % len(made)].name if i % 3 else "", "gross_violations; pattern",
            "UN monitoring (OHCHR, UNICEF, SRSG offices)",
            "B", "2", "corroborated", grave, "Amina Kessel", "Jonas Pell", "Ruth Tand",
        ])
    upload = csv_file(INCIDENT_HEADERS, rows, name="incidents.csv")
    outcome = _timed(f"incidents dry run ({N} rows)", lambda: dry_run("incidents", pm, upload))
    assert outcome.ok, outcome.error_rows[:3]
    # 20 are classified grave violations; none is escalated on import, since substantial grounds are the Chief of
    # Mission's determination, made afterwards on each incident.
    done = _timed(f"incidents confirm ({N} rows, 20 classified grave)", lambda: confirm(pm, outcome))
    assert done.imported and Incident.objects.count() == N and done.extra["escalated"] == 0
    assert Incident.objects.filter(grave_violation=True).count() == 20

    # the dry-run page of 10,000 rows, as the browser gets it
    client.force_login(pm)
    upload = csv_file(INCIDENT_HEADERS, rows, name="incidents.csv")
    response = _timed(
        f"incidents dry-run page ({N} rows)",
        lambda: client.post(reverse("import_upload"), {"kind": "incidents", "file": upload}),
    )
    assert response.status_code == 200
