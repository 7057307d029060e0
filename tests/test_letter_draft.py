"""Drafting a letter (interventions.letters.letter_draft): who may, what it needs,
and its reference, numbered per office and year without gaps or duplicates."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from hrddp.models import AuditEntry
from interventions.letters import LetterRefused, letter_draft, letter_issue
from interventions.models import Letter, LetterKind
from tests.factories import EngagementFactory

ADDRESSEE = "General Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


def draft(engagement, by, signatory, **fields):
    values = dict(
        kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=signatory, subject="", body="",
    )
    values.update(fields)
    return letter_draft(engagement=engagement, by=by, **values)


def test_a_draft_gets_the_offices_next_reference_for_the_year(engagement, pm, com, time_machine):
    time_machine.move_to("2026-03-01 09:00:00+00:00")

    first = draft(engagement, pm, com)
    second = draft(engagement, pm, com, kind=LetterKind.INTERCESSION, body="Grounds.")

    assert (first.reference, second.reference) == ("AAA/HRDDP/2026/0001", "AAA/HRDDP/2026/0002")


def test_each_office_numbers_its_own_letters(engagement, engagement_b, pm, com, outsider, com_b):
    ours = draft(engagement, pm, com)
    theirs = draft(engagement_b, outsider, com_b)

    assert ours.reference.endswith("/0001") and ours.reference.startswith("AAA/")
    assert theirs.reference.endswith("/0001") and theirs.reference.startswith("BBB/")


def test_numbering_starts_again_each_year(engagement, pm, com, time_machine):
    time_machine.move_to("2026-12-31 12:00:00+00:00")
    draft(engagement, pm, com)
    draft(engagement, pm, com)

    time_machine.move_to("2027-01-02 12:00:00+00:00")
    next_year = draft(engagement, pm, com)

    assert next_year.reference == "AAA/HRDDP/2027/0001"


def test_all_engagements_of_an_office_share_its_numbering(office_a, engagement, pm, com):
    other = EngagementFactory(office=office_a)

    first = draft(engagement, pm, com)
    second = draft(other, pm, com)

    assert int(second.reference.rsplit("/", 1)[1]) == int(first.reference.rsplit("/", 1)[1]) + 1


def test_a_draft_records_who_drafted_it_and_writes_an_audit_entry(engagement, pm, com):
    letter = draft(engagement, pm, com)

    assert letter.created_by == pm and letter.issued_at is None and not letter.pdf and letter.sha256 == ""
    entry = AuditEntry.objects.get(engagement=engagement)
    assert (entry.actor, entry.action) == (pm, "draft_letter")
    assert letter.reference in entry.justification


def test_an_empty_subject_becomes_the_standard_subject_in_the_letters_language(engagement, pm, com):
    english = draft(engagement, pm, com)
    french = draft(engagement, pm, com, language="fr")

    assert english.subject == "Core principles of United Nations support to non-United Nations security forces"
    assert french.subject == "Principes fondamentaux de l’appui de l’ONU à des forces de sécurité non onusiennes"


@pytest.mark.parametrize("kind", [
    LetterKind.UNLESS_AND_UNTIL, LetterKind.INTERCESSION, LetterKind.SUSPENSION, LetterKind.CESSATION,
])
def test_a_letter_that_needs_the_offices_paragraphs_is_refused_without_them(engagement, pm, com, kind):
    with pytest.raises(ValidationError) as refused:
        draft(engagement, pm, com, kind=kind, body="  ")

    assert "body" in refused.value.message_dict
    assert not Letter.objects.exists() and not AuditEntry.objects.exists()


def test_a_letter_without_an_addressee_is_refused(engagement, pm, com):
    with pytest.raises(ValidationError) as refused:
        draft(engagement, pm, com, addressee=" ")

    assert "addressee" in refused.value.message_dict


def test_the_signatory_must_be_a_chief_of_mission_of_the_office(engagement, pm, com_b):
    with pytest.raises(ValidationError) as refused:
        draft(engagement, pm, com_b)

    assert "signatory" in refused.value.message_dict
    assert not Letter.objects.exists()


@pytest.mark.parametrize("who", ["com", "hq", "auditor", "outsider"])
def test_only_the_project_manager_drafts(request, engagement, com, who):
    with pytest.raises(PermissionDenied):
        draft(engagement, request.getfixturevalue(who), com)

    assert not Letter.objects.exists()


def test_a_correction_must_correct_an_issued_letter_of_the_same_engagement_and_kind(office_a, engagement, pm, com):
    still_a_draft = draft(engagement, pm, com)
    issued = letter_issue(letter=draft(engagement, pm, com), by=com)
    other_engagement = EngagementFactory(office=office_a)

    with pytest.raises(LetterRefused, match="Only an issued letter is corrected"):
        draft(engagement, pm, com, corrects=still_a_draft)
    with pytest.raises(LetterRefused, match="same kind"):
        draft(engagement, pm, com, kind=LetterKind.INTERCESSION, body="Grounds.", corrects=issued)
    with pytest.raises(LetterRefused, match="engagement of the letter it corrects"):
        draft(other_engagement, pm, com, corrects=issued)


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_drafts_never_share_a_reference(engagement, pm, com):
    barrier = threading.Barrier(4)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(draft(engagement, pm, com).reference)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert sorted(int(o.rsplit("/", 1)[1]) for o in outcomes) == [1, 2, 3, 4]
