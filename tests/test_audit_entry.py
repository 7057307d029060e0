"""Audit entries are permanent: once written they can be neither changed nor deleted."""

import pytest
from django.db import DatabaseError, connection, transaction

from hrddp.models import AuditEntry, AuditEntryIsPermanent, State


@pytest.fixture
def entry(pm, engagement):
    return AuditEntry.objects.create(
        engagement=engagement, actor=pm, action="open", to_state=State.DRAFT, justification="Request received."
    )


def _untouched(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (stored.action, stored.justification, stored.to_state) == ("open", "Request received.", State.DRAFT)


def test_it_writes_a_new_entry(entry):
    assert entry.pk is not None
    assert AuditEntry.objects.count() == 1


def test_it_refuses_to_save_an_existing_entry_again(entry):
    entry.justification = "Rewritten."

    with pytest.raises(AuditEntryIsPermanent):
        entry.save()

    assert _untouched(entry)


def test_it_refuses_to_save_an_existing_entry_with_update_fields(entry):
    entry.justification = "Rewritten."

    with pytest.raises(AuditEntryIsPermanent):
        entry.save(update_fields=["justification"])

    assert _untouched(entry)


def test_it_refuses_to_delete_an_entry(entry):
    with pytest.raises(AuditEntryIsPermanent):
        entry.delete()

    assert _untouched(entry)


def test_it_refuses_a_queryset_update(entry):
    with pytest.raises(AuditEntryIsPermanent):
        AuditEntry.objects.filter(pk=entry.pk).update(justification="Rewritten.")

    assert _untouched(entry)


def test_it_refuses_a_queryset_delete(entry):
    with pytest.raises(AuditEntryIsPermanent):
        AuditEntry.objects.all().delete()

    assert _untouched(entry)


def test_it_refuses_a_bulk_update(entry):
    entry.justification = "Rewritten."

    # bulk_update runs in an atomic block without a savepoint: give it one, so
    # that the test's own transaction stays usable after the refusal.
    with pytest.raises(AuditEntryIsPermanent), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["justification"])

    assert _untouched(entry)


def test_it_refuses_an_update_through_the_engagements_related_manager(entry, engagement):
    with pytest.raises(AuditEntryIsPermanent):
        engagement.audit_entries.update(justification="Rewritten.")

    assert _untouched(entry)


def test_it_keeps_the_engagement_from_being_deleted_while_it_has_entries(entry, engagement):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        engagement.delete()

    assert _untouched(entry)


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the refusing trigger exists on PostgreSQL only")
def test_the_database_itself_refuses_a_raw_update_or_delete_on_postgresql(entry):
    for sql in ("UPDATE hrddp_auditentry SET justification = 'Rewritten.'", "DELETE FROM hrddp_auditentry"):
        with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)

    assert _untouched(entry)
