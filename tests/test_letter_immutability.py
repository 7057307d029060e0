"""An issued letter never changes and is never deleted: not through save(), not
through a queryset, not (on PostgreSQL) through raw SQL. Only its dispatch is
written, once."""

import hashlib
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from interventions.letters import letter_draft, letter_issue
from interventions.models import Letter, LetterIsIssued, LetterKind
from tests.factories import UserFactory

ADDRESSEE = "General Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


def _draft(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="Two motorbikes and a police post.", by=pm,
    )


@pytest.fixture
def issued(engagement, pm, com):
    return letter_issue(letter=_draft(engagement, pm, com), by=com)


def _untouched(letter) -> bool:
    stored = Letter.objects.get(pk=letter.pk)
    with stored.pdf.open("rb") as stream:
        content = stream.read()
    return (
        stored.subject == letter.subject and stored.body == letter.body and stored.addressee == letter.addressee
        and stored.pdf.name == letter.pdf.name and stored.sha256 == letter.sha256 == hashlib.sha256(content).hexdigest()
        and stored.issued_at == letter.issued_at
    )


@pytest.mark.parametrize("field, value", [
    ("subject", "Another subject"),
    ("body", "Rewritten after the fact."),
    ("addressee", "Someone else"),
    ("kind", LetterKind.SUSPENSION),
    ("language", "fr"),
    ("reference", "AAA/HRDDP/2026/9999"),
    ("sha256", "0" * 64),
    ("issued_at", None),
    ("letter_date", None),
])
def test_saving_a_changed_issued_letter_is_refused(issued, field, value):
    setattr(issued, field, value)

    with pytest.raises(LetterIsIssued, match="cannot be changed"):
        issued.save()

    assert Letter.objects.get(pk=issued.pk).reference != "AAA/HRDDP/2026/9999"


def test_swapping_the_stored_pdf_of_an_issued_letter_is_refused(issued):
    original = Letter.objects.get(pk=issued.pk)
    issued.pdf.name = "letters/2026/forged.pdf"

    with pytest.raises(LetterIsIssued):
        issued.save()

    assert _untouched(original)


def test_saving_an_issued_letter_unchanged_is_harmless(issued):
    issued.save()

    assert _untouched(issued)


def test_an_issued_letter_cannot_be_deleted(issued):
    with pytest.raises(LetterIsIssued, match="cannot be deleted"):
        issued.delete()
    with pytest.raises(LetterIsIssued):
        Letter.objects.filter(pk=issued.pk).delete()

    assert _untouched(issued)


def test_a_bulk_update_of_an_issued_letter_is_refused(issued):
    with pytest.raises(LetterIsIssued):
        Letter.objects.filter(pk=issued.pk).update(body="Rewritten in bulk.")
    issued.body = "Rewritten in bulk."
    with pytest.raises(LetterIsIssued), transaction.atomic():
        Letter.objects.bulk_update([issued], ["body"])

    assert Letter.objects.get(pk=issued.pk).body == "Two motorbikes and a police post."


def test_a_draft_can_still_be_changed_and_deleted(engagement, pm, com):
    draft = _draft(engagement, pm, com)

    draft.body = "Three motorbikes."
    draft.save()
    assert Letter.objects.get(pk=draft.pk).body == "Three motorbikes."

    draft.delete()
    assert not Letter.objects.filter(pk=draft.pk).exists()


def test_the_dispatch_is_written_once_after_issue(issued):
    issued.dispatched_on = timezone.localdate()
    issued.dispatch_channel = "Hand delivery"
    issued.save()

    issued.dispatch_channel = "E-mail"
    with pytest.raises(LetterIsIssued):
        issued.save()
    issued.refresh_from_db()
    issued.dispatched_on = timezone.localdate() - timedelta(days=1)
    with pytest.raises(LetterIsIssued):
        issued.save()

    stored = Letter.objects.get(pk=issued.pk)
    assert (stored.dispatched_on, stored.dispatch_channel) == (timezone.localdate(), "Hand delivery")


def test_a_letter_created_already_issued_is_kept_as_is(engagement):
    """As the builders and the demo record letters issued outside the app."""
    someone = UserFactory()
    letter = Letter.objects.create(
        engagement=engagement, kind=LetterKind.NOTIFICATION, reference="AAA-2026-001/L/001", addressee="Minister",
        signatory=someone, issued_at=timezone.now(), issued_by=someone,
    )

    letter.subject = "Changed"
    with pytest.raises(LetterIsIssued):
        letter.save()


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the refusing trigger exists on PostgreSQL only")
def test_the_database_itself_refuses_a_raw_change_or_delete_of_an_issued_letter(issued):
    for sql in (
        "UPDATE interventions_letter SET body = 'Rewritten.'",
        "UPDATE interventions_letter SET sha256 = ''",
        "DELETE FROM interventions_letter",
    ):
        with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)

    assert _untouched(issued)


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the refusing trigger exists on PostgreSQL only")
def test_the_database_lets_the_dispatch_be_written_once(issued):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE interventions_letter SET dispatched_on = %s, dispatch_channel = 'Courier' WHERE id = %s",
            [timezone.localdate(), issued.pk],
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE interventions_letter SET dispatch_channel = 'E-mail' WHERE id = %s", [issued.pk])

    assert Letter.objects.get(pk=issued.pk).dispatch_channel == "Courier"
