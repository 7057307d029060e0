"""An import costs the same few queries whatever its number of rows: records are looked up from what was
loaded once, and written in batches (10 and 200 rows, dry run and confirm, each kind)."""

import pytest
from django.db import connection

from hrddp.models import CommandPeriod, PersonOfInterest, Recipient, State
from monitoring.models import Incident
from tests.factories import EngagementFactory
from tests.test_import_helpers import INCIDENT_HEADERS, PERSON_HEADERS, RECIPIENT_HEADERS, confirm, csv_file, dry_run

# On SQLite an audit entry first reads the head of the audit chain (on PostgreSQL the insert's trigger does).
CHAIN_HEAD = 0 if connection.vendor == "postgresql" else 1
# Dry run: the importer's memberships, offices, what the rows may point at, the audit entry.
DRY_RUN_QUERIES = 6 + CHAIN_HEAD
# Confirm: the same, the user's lock, a batch insert or update per level or model (in a savepoint), the audit entry;
# incidents also write each engagement's history entry and escalate (a few queries per grave violation).
CONFIRM_QUERIES = 22 + 4 * CHAIN_HEAD


def _recipient_rows(n):
    forces = max(1, n // 10)
    rows = []
    for i in range(n):
        force = f"Force {i % forces}"
        if i < forces:
            rows.append([force, "Darvonia", "police", "force", ""])
        elif i % 2:
            rows.append([f"Command {i}", "Darvonia", "", "command", force])
        else:
            parent = f"Force {(i - 1) % forces} › Command {i - 1}" if i > forces + 1 else force
            rows.append([f"Unit {i}", "Darvonia", "", "unit", parent])
    return list(reversed(rows))  # children first


def _person_rows(n, unit):
    return [
        [f"Person {i // 2}", "Major", unit.name, "", "Commander" if i % 2 else "Deputy", unit.name,
         f"20{10 + i % 2 * 5}-01-01", "2014-12-31" if not i % 2 else ""]
        for i in range(n)
    ]


def _incident_rows(n, active, other):
    rows = []
    for i in range(n):
        engagement = active if i % 2 else other
        grave = "yes" if i == 1 else "no"
        rows.append([
            engagement.reference, "2025-06-01", "Kael", f"Allegation {i}", "", "gross_violations", "public_source",
            "B", "2", "corroborated", grave, "", "", "",
        ])
    return rows


@pytest.fixture
def police(office_a):
    force = Recipient.objects.create(name="Darvonian Police Force", country="Darvonia", category="police")
    Recipient.objects.create(name="Army", country="Darvonia", category="military")
    return force


@pytest.mark.parametrize("n", [10, 200])
def test_a_recipients_import_costs_a_bounded_number_of_queries(pm, police, n, django_assert_max_num_queries):
    upload = csv_file(RECIPIENT_HEADERS, _recipient_rows(n))
    pm.refresh_from_db()
    with django_assert_max_num_queries(DRY_RUN_QUERIES):
        outcome = dry_run("recipients", pm, upload)
    assert outcome.ok, [r.problems for r in outcome.error_rows]
    pm.refresh_from_db()
    with django_assert_max_num_queries(CONFIRM_QUERIES):
        assert confirm(pm, outcome).imported
    assert Recipient.objects.count() == n + 2


@pytest.mark.parametrize("n", [10, 200])
def test_a_persons_import_costs_a_bounded_number_of_queries(pm, police, n, django_assert_max_num_queries):
    PersonOfInterest.objects.create(full_name="Person 0", rank="Major", recipient=police)  # one to update
    upload = csv_file(PERSON_HEADERS, _person_rows(n, police))
    pm.refresh_from_db()
    with django_assert_max_num_queries(DRY_RUN_QUERIES):
        outcome = dry_run("persons", pm, upload)
    assert outcome.ok, [r.problems for r in outcome.error_rows]
    pm.refresh_from_db()
    with django_assert_max_num_queries(CONFIRM_QUERIES):
        assert confirm(pm, outcome).imported
    assert (PersonOfInterest.objects.count(), CommandPeriod.objects.count()) == (n // 2, n)


@pytest.mark.parametrize("n", [10, 200])
def test_an_incidents_import_costs_a_bounded_number_of_queries(
    pm, com, hq, office_a, police, n, django_assert_max_num_queries
):
    active = EngagementFactory(office=office_a, state=State.ACTIVE, recipient=police)
    other = EngagementFactory(office=office_a)
    upload = csv_file(INCIDENT_HEADERS, _incident_rows(n, active, other))
    pm.refresh_from_db()
    with django_assert_max_num_queries(DRY_RUN_QUERIES):
        outcome = dry_run("incidents", pm, upload)
    assert outcome.ok, [r.problems for r in outcome.error_rows]
    pm.refresh_from_db()
    with django_assert_max_num_queries(CONFIRM_QUERIES):
        done = confirm(pm, outcome)
    assert done.imported and done.extra["escalated"] == 0  # grave violations await the determination
    assert Incident.objects.count() == n
