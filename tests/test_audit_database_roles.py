"""Least privilege on PostgreSQL: the application's role can do the app's work and
cannot rewrite the audit trail, nor disable or replace what keeps it.

The suite connects as the owner (a superuser); these tests act as the app role
with SET ROLE inside a savepoint, on a test database whose grants have been applied.
"""

from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from hrddp.db_roles import app_role, app_role_ensure, grants_apply
from hrddp.models import AuditEntry, Engagement, State
from hrddp.services import audit_record
from tests.factories import EngagementFactory


def on_postgresql(test):
    return pytest.mark.postgresql(
        pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only")(test)
    )


on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="the embedded default has no roles")


@pytest.fixture
def app_role_granted(db):
    """The app role exists in the cluster and holds its grants on the test database."""
    app_role_ensure()
    grants_apply()
    return app_role()


@contextmanager
def acting_as_app_role():
    """Run the block as the app role; a failure inside rolls back to the savepoint, role and all."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(app_role())}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.fixture
def entry(pm, engagement):
    return audit_record(engagement=engagement, actor=pm, action="open", to_state=State.DRAFT,
                        justification="Request received.")


def _untouched(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (stored.justification, stored.at, stored.hash) == (entry.justification, entry.at, entry.hash)


def _audit_triggers_enabled():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled, pg_get_userbyid(p.proowner) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE tgrelid = 'hrddp_auditentry'::regclass AND NOT tgisinternal ORDER BY tgname"
        )
        return cursor.fetchall()


REWRITES = {
    "truncate": "TRUNCATE hrddp_auditentry",
    "update": "UPDATE hrddp_auditentry SET justification = 'Rewritten.'",
    "delete": "DELETE FROM hrddp_auditentry",
    "disable its triggers": "ALTER TABLE hrddp_auditentry DISABLE TRIGGER ALL",
    "replace the chain's function": (
        "CREATE OR REPLACE FUNCTION hrddp_audit_entry_chain() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$"
    ),
    "replace the permanence function": (
        "CREATE OR REPLACE FUNCTION hrddp_audit_entry_is_permanent() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$"
    ),
    "drop the chain's trigger": "DROP TRIGGER hrddp_auditentry_chain ON hrddp_auditentry",
    "drop the permanence trigger": "DROP TRIGGER hrddp_auditentry_permanent ON hrddp_auditentry",
    "switch every trigger off for the session": "SET session_replication_role = replica",
    "disable the issued letters' trigger": "ALTER TABLE interventions_letter DISABLE TRIGGER ALL",
    "create a table": "CREATE TABLE hrddp_rewritten (id int)",
}


@pytest.mark.parametrize("sql", REWRITES.values(), ids=REWRITES.keys())
@pytest.mark.usefixtures("app_role_granted")
@on_postgresql
def test_it_refuses_the_app_role_any_way_of_rewriting_the_audit_trail(sql, entry):
    triggers = _audit_triggers_enabled()

    with pytest.raises(DatabaseError, match="permission denied|must be owner"), acting_as_app_role():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    assert _untouched(entry)
    assert _audit_triggers_enabled() == triggers
    # Both triggers are on, and their functions belong to the owner.
    assert [(name, enabled) for name, enabled, _ in triggers] == [
        ("hrddp_auditentry_chain", "O"), ("hrddp_auditentry_permanent", "O")
    ]
    assert {owner for *_, owner in triggers} == {_scalar("SELECT current_user")}


@pytest.mark.usefixtures("app_role_granted")
@on_postgresql
def test_a_back_dated_entry_by_the_app_role_takes_the_databases_time(pm, engagement):
    long_ago = timezone.now() - timedelta(days=400)

    with acting_as_app_role():
        entry = AuditEntry.objects.create(
            engagement=engagement, actor=pm, action="endorse", justification="Endorsed last year, honestly.",
            at=long_ago, chain_seq=999, prev_hash="f" * 64, hash="e" * 64,
        )
        database_now = _scalar("SELECT clock_timestamp()")

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.at == entry.at, "the saved instance holds what the database stored"
    assert timedelta(0) <= database_now - stored.at < timedelta(seconds=5)
    # Nor can the app role choose where the entry sits in the chain.
    assert (stored.chain_seq, stored.prev_hash) == (1, "0" * 64)
    assert stored.hash == entry.hash != "e" * 64


@on_postgresql
def test_the_owner_may_still_date_an_entry_for_the_demo_and_the_synthetic_portfolio(pm, engagement):
    long_ago = timezone.now() - timedelta(days=400)

    entry = AuditEntry.objects.create(engagement=engagement, actor=pm, action="open", justification="x", at=long_ago)

    assert AuditEntry.objects.get(pk=entry.pk).at == long_ago == entry.at


@pytest.mark.usefixtures("app_role_granted")
@on_postgresql
def test_the_app_role_does_the_apps_normal_work(pm, office_a):

    with acting_as_app_role():
        engagement = EngagementFactory(office=office_a)
        Engagement.objects.filter(pk=engagement.pk).update(title="Renamed by the app")
        entry = audit_record(engagement=engagement, actor=pm, action="open", to_state=State.DRAFT,
                             justification="Request received.")
        seen = AuditEntry.objects.get(pk=entry.pk)

    assert seen.justification == "Request received."
    assert Engagement.objects.get(pk=engagement.pk).title == "Renamed by the app"
    assert (seen.chain_seq, seen.hash) == (entry.chain_seq, entry.hash) and len(seen.hash) == 64


STATUS_HISTORY_REWRITES = {
    "update": "UPDATE register_allegationstatuschange SET reason = 'Rewritten.'",
    "delete": "DELETE FROM register_allegationstatuschange",
    "truncate": "TRUNCATE register_allegationstatuschange",
}


@pytest.mark.parametrize("sql", STATUS_HISTORY_REWRITES.values(), ids=STATUS_HISTORY_REWRITES.keys())
@pytest.mark.usefixtures("app_role_granted")
@on_postgresql
def test_the_app_role_appends_to_an_allegations_status_history_and_cannot_rewrite_it(sql, pm, com, office_a):
    from hrddp.models import PersonOfInterest
    from register.models import AllegationStatusChange
    from register.services import allegation_record, allegation_status_change
    from tests.factories import RecipientFactory

    person = PersonOfInterest.objects.create(full_name="Tomas Reyl", recipient=RecipientFactory(country="Darvonia"))
    # The app's own work: recording an allegation and changing its status append to the history
    with acting_as_app_role():
        allegation = allegation_record(by=pm, person=person, category="gross_violations", summary="Beatings.")
        allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="Two reports.")
    history = list(AllegationStatusChange.objects.values_list("pk", "reason"))
    assert [reason for _, reason in history] == ["Recorded.", "Two reports."]

    with pytest.raises(DatabaseError, match="permission denied"), acting_as_app_role():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    assert list(AllegationStatusChange.objects.values_list("pk", "reason")) == history


INTERCESSION_REWRITES = {
    "update": "UPDATE interventions_intercessioncommunication SET communicated_on = '2020-01-01'",
    "delete": "DELETE FROM interventions_intercessioncommunication",
}


@pytest.mark.parametrize("sql", INTERCESSION_REWRITES.values(), ids=INTERCESSION_REWRITES.keys())
@pytest.mark.usefixtures("app_role_granted")
@on_postgresql
def test_the_app_role_records_an_intercession_and_cannot_redate_or_remove_it(sql, pm, office_a):
    # P¶27 counts continuing violations from the intercession's date: the app cannot move it afterwards.
    from datetime import timedelta

    from django.utils import timezone

    from interventions.intercession import intercession_communication_record
    from interventions.models import IntercessionCommunication, InterventionCase
    from tests.builders import engagement_ready_for

    case = InterventionCase.objects.get(engagement=engagement_ready_for("resolve", office=office_a))
    with acting_as_app_role():
        intercession_communication_record(
            by=pm, case=case, communicated_on=timezone.localdate() - timedelta(days=1), counterpart="Col. Reyes",
            channel="Meeting", summary="The killings at Kael.",
        )
    kept = list(IntercessionCommunication.objects.values_list("pk", "communicated_on"))

    with pytest.raises(DatabaseError, match="permission denied"), acting_as_app_role():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    assert list(IntercessionCommunication.objects.values_list("pk", "communicated_on")) == kept


def _privileges(role):
    """Every table privilege the role holds here (directly or through PUBLIC), and what it owns or may create."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, p.privilege
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
                AS p(privilege)
            WHERE n.nspname = current_schema() AND c.relkind = 'r' AND has_table_privilege(%s, c.oid, p.privilege)
            ORDER BY 1, 2
            """,
            [role],
        )
        tables = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND pg_get_userbyid(c.relowner) = %s",
            [role],
        )
        owned = cursor.fetchone()[0]
        cursor.execute("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [role])
        creates = cursor.fetchone()[0]
    return tables, owned, creates


@on_postgresql
def test_the_app_role_owns_nothing_creates_nothing_and_may_only_read_and_append_to_the_audit_trail(
    app_role_granted
):

    tables, owned, creates = _privileges(app_role_granted)

    by_table = {}
    for table, privilege in tables:
        by_table.setdefault(table, set()).add(privilege)
    assert by_table["hrddp_auditentry"] == {"SELECT", "INSERT"}
    assert by_table["register_allegationstatuschange"] == {"SELECT", "INSERT"}
    assert by_table["interventions_intercessioncommunication"] == {"SELECT", "INSERT"}
    assert by_table["django_migrations"] == {"SELECT"}
    assert by_table["hrddp_engagement"] == by_table["django_session"] == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert not any({"TRUNCATE", "REFERENCES", "TRIGGER"} & held for held in by_table.values())
    assert (owned, creates) == (0, False)


@on_postgresql
def test_the_grants_are_the_same_however_often_they_are_applied_and_undo_a_privilege_given_by_hand(
    app_role_granted
):
    before = _privileges(app_role_granted)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT ALL ON hrddp_auditentry TO {connection.ops.quote_name(app_role_granted)}")

    grants_apply()
    grants_apply()

    assert _privileges(app_role_granted) == before


@on_postgresql
def test_the_grants_after_every_migrate_cover_a_table_made_by_a_later_migration(app_role_granted):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE hrddp_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)")

    call_command("migrate", verbosity=0)

    with acting_as_app_role(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO hrddp_later (note) VALUES ('new') RETURNING id")
        new_id = cursor.fetchone()[0]
        cursor.execute("UPDATE hrddp_later SET note = 'changed' WHERE id = %s", [new_id])
        cursor.execute("SELECT note FROM hrddp_later")
        assert cursor.fetchall() == [("changed",)]
        cursor.execute("DELETE FROM hrddp_later")
    with pytest.raises(DatabaseError, match="permission denied"), acting_as_app_role(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE hrddp_later")


@on_postgresql
def test_the_db_roles_command_sets_up_the_app_role_and_says_what_it_may_do(db):
    out = StringIO()

    call_command("db_roles", stdout=out)

    assert f"Role {app_role()}:" in out.getvalue() and "owns nothing" in out.getvalue()
    assert _scalar("SELECT rolcanlogin AND NOT rolsuper AND NOT rolcreaterole AND NOT rolcreatedb "
                   "FROM pg_roles WHERE rolname = %s", [app_role()])


@on_postgresql
def test_the_db_roles_command_refuses_to_run_as_the_app_role(app_role_granted):

    with pytest.raises(CommandError, match="run this as the database owner"), acting_as_app_role():
        call_command("db_roles", stdout=StringIO())


@on_postgresql
def test_the_db_roles_command_refuses_an_app_role_that_belongs_to_a_role_with_more_privileges(db, settings):
    # Roles are made in the test's transaction, and undone with it.
    settings.DATABASE_APP_ROLE = "hrddp_app_member_test"
    as_owner = "CREATE ROLE hrddp_app_member_test LOGIN; GRANT pg_write_all_data TO hrddp_app_member_test"
    with connection.cursor() as cursor:
        cursor.execute(as_owner)

    with pytest.raises(CommandError, match="member of pg_write_all_data, and would hold their privileges"):
        call_command("db_roles", stdout=StringIO())


@on_sqlite
def test_on_sqlite_there_are_no_roles_to_grant_and_the_command_says_so(db):
    assert grants_apply() is None

    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("db_roles", stdout=StringIO())
