"""manage.py verify_audit: the audit trail's hash chain is whole, or the first broken link is named."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from hrddp.audit_chain import GENESIS, entry_digest
from hrddp.audit_verify import chain_verify
from hrddp.models import AuditEntry, State
from hrddp.services import audit_record
from tests.builders import complete_screening, engagement_ready_for, take


def on_postgresql(test):
    return pytest.mark.postgresql(
        pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger and owner role exist on PostgreSQL")(test)
    )


on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="raw edits are refused on PostgreSQL")


def _verify(*args):
    """(exit code, what it printed)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue().strip()
    return 0, out.getvalue().strip()


@pytest.fixture
def trail(pm, com, office_a):
    """A few entries written by the services: an engagement screened and found applicable."""
    engagement = engagement_ready_for("start_screening", office=office_a)
    take(engagement, "start_screening", pm)
    complete_screening(engagement)
    take(engagement, "conclude_applicable", pm)
    audit_record(engagement=engagement, actor=com, action="note", justification="Reviewed the screening.",
                 details={"pages": [1, 2], "é": "accented"})
    return list(AuditEntry.objects.order_by("chain_seq"))


def _sql(*statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(*statement) if isinstance(statement, tuple) else cursor.execute(statement)


def _as_owner_with_the_trigger_off(*statements):
    # Deferred foreign-key checks of this test's inserts would keep ALTER TABLE from running.
    _sql("SET CONSTRAINTS ALL IMMEDIATE", "ALTER TABLE hrddp_auditentry DISABLE TRIGGER hrddp_auditentry_permanent",
         *statements, "ALTER TABLE hrddp_auditentry ENABLE TRIGGER hrddp_auditentry_permanent")


def test_it_reports_an_intact_chain_of_the_entries_the_services_wrote(trail):
    code, said = _verify()

    assert code == 0
    assert said == f"Audit trail intact: {len(trail)} entries, chain head {trail[-1].hash}"
    assert [e.chain_seq for e in trail] == list(range(1, len(trail) + 1))
    assert trail[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(trail, trail[1:]))


def test_the_saved_entry_holds_the_chain_values_the_database_stored(pm, engagement):
    entry = audit_record(engagement=engagement, actor=pm, action="open", to_state=State.DRAFT, justification="x")

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.at, entry.chain_seq, entry.prev_hash, entry.hash) == (
        stored.at, stored.chain_seq, stored.prev_hash, stored.hash
    )
    assert len(stored.hash) == 64 and stored.hash != GENESIS


def test_entries_written_in_bulk_join_the_chain_in_order(pm, engagement):
    audit_record(engagement=engagement, actor=pm, action="open", justification="First, on its own.")

    made = AuditEntry._base_manager.bulk_create(
        [AuditEntry(engagement=engagement, actor=pm, action="note", justification=f"Bulk {i}.") for i in range(5)]
    )

    assert [e.chain_seq for e in made] == [2, 3, 4, 5, 6]
    assert chain_verify().intact


def test_an_empty_trail_is_intact(db):
    assert _verify() == (0, f"Audit trail intact: 0 entries, chain head {GENESIS}")


def test_the_chain_still_passes_through_a_head_noted_earlier(trail, pm):
    noted = f"{trail[-1].chain_seq}:{trail[-1].hash}"
    audit_record(engagement=None, actor=pm, action="later", justification="Written after the head was noted.")

    code, said = _verify("--anchor", noted)

    assert code == 0 and said.startswith(f"Audit trail intact: {len(trail) + 1} entries")


def test_it_refuses_an_anchor_it_cannot_read(db):
    with pytest.raises(CommandError, match="CHAIN_SEQ:HASH"):
        call_command("verify_audit", "--anchor", "12:not-a-hash")


# --- PostgreSQL: what the owner role could still do, found ------------------------------


@on_postgresql
def test_it_names_the_entry_the_owner_edited_with_the_trigger_disabled(trail):
    edited = trail[1]
    _as_owner_with_the_trigger_off(
        ("UPDATE hrddp_auditentry SET justification = 'Never happened.' WHERE id = %s", [edited.pk]),
    )

    code, said = _verify()

    assert code == 1
    assert said == (
        f"Audit trail broken at entry {edited.pk} (chain_seq {edited.chain_seq}): "
        "content edited: what it says no longer matches its hash."
    )


@on_postgresql
def test_it_finds_the_link_broken_where_the_owner_deleted_an_entry(trail):
    deleted, after = trail[1], trail[2]
    _as_owner_with_the_trigger_off(("DELETE FROM hrddp_auditentry WHERE id = %s", [deleted.pk]))

    code, said = _verify()

    assert code == 1
    assert said.startswith(f"Audit trail broken at entry {after.pk} (chain_seq {after.chain_seq}): link broken: ")
    assert f"entry missing — chain_seq {deleted.chain_seq} is not in the trail after entry {trail[0].pk}" in said


@on_postgresql
def test_it_finds_an_entry_the_owner_edited_and_hashed_again(trail):
    edited, after = trail[1], trail[2]
    _as_owner_with_the_trigger_off((
        "UPDATE hrddp_auditentry SET justification = 'Never happened.', "
        "hash = hrddp_audit_entry_digest(chain_seq, prev_hash, engagement_id, actor_id, at, action, "
        "from_state, to_state, 'Never happened.', details) WHERE id = %s", [edited.pk],
    ))

    code, said = _verify()

    assert code == 1
    assert said.startswith(f"Audit trail broken at entry {after.pk} (chain_seq {after.chain_seq}): link broken: ")
    assert f"hash of entry {edited.pk}" in said


@on_postgresql
def test_a_trail_the_owner_rewrote_and_hashed_again_as_a_whole_misses_the_head_noted_earlier(trail):
    noted = f"{trail[-1].chain_seq}:{trail[-1].hash}"
    _as_owner_with_the_trigger_off(
        ("UPDATE hrddp_auditentry SET justification = 'Never happened.' WHERE id = %s", [trail[0].pk]),
        # Every hash again, in chain order, as a careful forger would.
        """
        DO $$ DECLARE r record; prev text := repeat('0', 64); BEGIN
            FOR r IN SELECT * FROM hrddp_auditentry ORDER BY chain_seq LOOP
                UPDATE hrddp_auditentry SET prev_hash = prev, hash = hrddp_audit_entry_digest(
                    r.chain_seq, prev, r.engagement_id, r.actor_id, r.at, r.action, r.from_state, r.to_state,
                    r.justification, r.details) WHERE id = r.id RETURNING hash INTO prev;
            END LOOP;
        END $$
        """,
    )
    assert _verify()[0] == 0, "the rewritten chain holds together on its own"

    code, said = _verify("--anchor", noted)

    assert code == 1
    assert said.startswith(f"Audit trail broken at entry {trail[-1].pk} (chain_seq {trail[-1].chain_seq}): ")
    assert "the trail was rewritten since" in said


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_writers_extend_one_unbroken_chain(pm, engagement):
    writers, per_writer = 6, 5
    barrier = threading.Barrier(writers)
    failures = []

    def write(i):
        try:
            barrier.wait(timeout=10)
            for n in range(per_writer):
                with transaction.atomic():
                    audit_record(engagement=engagement, actor=pm, action="note", justification=f"Writer {i}, {n}.")
        except Exception as exc:  # noqa: BLE001 - the test reports what failed
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures and not any(thread.is_alive() for thread in threads)
    assert sorted(AuditEntry.objects.values_list("chain_seq", flat=True)) == list(range(1, writers * per_writer + 1))
    assert chain_verify().intact, str(chain_verify())


# --- SQLite: a row edited or removed behind the app's back, found --------------------------


@on_sqlite
def test_it_names_an_entry_edited_with_raw_sql_on_sqlite(trail):
    edited = trail[2]
    _sql(("UPDATE hrddp_auditentry SET details = %s WHERE id = %s", ['{"pages": [1]}', edited.pk]))

    code, said = _verify()

    assert code == 1
    assert said == (
        f"Audit trail broken at entry {edited.pk} (chain_seq {edited.chain_seq}): "
        "content edited: what it says no longer matches its hash."
    )


@on_sqlite
def test_it_finds_the_link_broken_where_an_entry_was_deleted_on_sqlite(trail):
    _sql(("DELETE FROM hrddp_auditentry WHERE id = %s", [trail[0].pk]))

    code, said = _verify()

    assert code == 1
    assert said.startswith(f"Audit trail broken at entry {trail[1].pk} (chain_seq 2): link broken: entry missing")
    assert "at the start" in said


@on_sqlite
def test_it_walks_a_long_trail_in_chunks_on_sqlite(pm, engagement, monkeypatch):
    from hrddp import audit_verify

    monkeypatch.setattr(audit_verify, "CHUNK", 3)
    AuditEntry.objects.bulk_create(
        [AuditEntry(engagement=engagement, actor=pm, action="note", justification=f"{i}") for i in range(10)]
    )
    last = AuditEntry.objects.order_by("chain_seq").last()
    _sql(("UPDATE hrddp_auditentry SET justification = 'x' WHERE id = %s", [last.pk]))

    assert str(chain_verify()).startswith(f"Audit trail broken at entry {last.pk} (chain_seq 10): content edited")


@on_sqlite
def test_the_python_encoding_hashes_what_is_stored_not_how_it_was_written_on_sqlite(pm, engagement):
    entry = audit_record(engagement=engagement, actor=pm, action="note", justification="x",
                         details={"b": (1, 2), "a": {"z": None}})

    stored = AuditEntry.objects.get(pk=entry.pk)
    digest = entry_digest(
        chain_seq=stored.chain_seq, prev_hash=stored.prev_hash, engagement_id=stored.engagement_id,
        actor_id=stored.actor_id, at=stored.at, action=stored.action, from_state=stored.from_state,
        to_state=stored.to_state, justification=stored.justification, details=stored.details,
    )
    assert digest == stored.hash == entry.hash
    assert chain_verify().intact
