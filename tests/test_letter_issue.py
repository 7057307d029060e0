"""Issuing a letter (interventions.letters.letter_issue): the Chief of Mission who
signs it issues it once; the PDF is stored with the SHA-256 of its exact bytes,
dated, and audited, all in one transaction."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import AssessmentStatus
from hrddp.guards import notification_letter_issued
from hrddp.models import AuditEntry, Role, State
from interventions import letters
from interventions.letters import LetterAlreadyIssued, LetterRefused, letter_draft, letter_issue
from interventions.models import LetterKind
from tests.builders import assert_taken, complete_assessment, complete_plan, fill_procedure, record_coordination
from tests.factories import EngagementFactory, user_with_role

ADDRESSEE = "General Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def drafted(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )


def _stored_bytes(letter) -> bytes:
    with letter.pdf.open("rb") as stream:
        return stream.read()


def test_issuing_stores_the_pdf_with_the_sha256_of_its_exact_bytes(drafted, com, time_machine):
    time_machine.move_to("2026-06-15 08:30:00+00:00", tick=False)

    issued = letter_issue(letter=drafted, by=com)

    issued.refresh_from_db()
    content = _stored_bytes(issued)
    assert content.startswith(b"%PDF-")
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert issued.pdf.name.rsplit("/", 1)[1].startswith(drafted.reference.replace("/", "-"))
    assert (issued.issued_by, issued.letter_date) == (com, timezone.localdate())
    assert issued.issued_at == timezone.now()


def test_issuing_writes_one_audit_entry_naming_the_letter(drafted, com):
    before = set(AuditEntry.objects.values_list("pk", flat=True))

    issued = letter_issue(letter=drafted, by=com)

    entry = AuditEntry.objects.exclude(pk__in=before).get()
    assert (entry.engagement_id, entry.actor, entry.action) == (drafted.engagement_id, com, "issue_letter")
    assert issued.reference in entry.justification
    assert "General Idris Valemo" in entry.justification
    assert entry.details["sha256"] == issued.sha256


def test_issuing_twice_is_refused_and_changes_nothing(drafted, com):
    issued = letter_issue(letter=drafted, by=com)
    content, entries = _stored_bytes(issued), AuditEntry.objects.count()

    with pytest.raises(LetterAlreadyIssued, match="already issued"):
        letter_issue(letter=drafted, by=com)

    issued.refresh_from_db()
    assert _stored_bytes(issued) == content
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("who", ["pm", "hq", "auditor", "outsider", "com_b"])
def test_only_a_chief_of_mission_of_the_engagement_issues(request, drafted, who):
    with pytest.raises(PermissionDenied):
        letter_issue(letter=drafted, by=request.getfixturevalue(who))

    drafted.refresh_from_db()
    assert drafted.issued_at is None and not drafted.pdf and not AuditEntry.objects.filter(action="issue_letter").exists()


def test_a_chief_of_mission_who_does_not_sign_the_letter_cannot_issue_it(office_a, drafted):
    acting = user_with_role(Role.CHIEF_OF_MISSION, office_a, username="oic.a")

    with pytest.raises(LetterRefused, match="only the signatory issues it"):
        letter_issue(letter=drafted, by=acting)

    drafted.refresh_from_db()
    assert drafted.issued_at is None


def test_a_failed_render_leaves_the_draft_as_it_was(drafted, com, monkeypatch):
    def broken(*, letter):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(letters, "letter_render_pdf", broken)

    with pytest.raises(RuntimeError):
        letter_issue(letter=drafted, by=com)

    drafted.refresh_from_db()
    assert (drafted.issued_at, drafted.letter_date, drafted.sha256, drafted.pdf.name) == (None, None, "", "")
    assert not AuditEntry.objects.filter(action="issue_letter").exists()


def test_a_failed_audit_entry_undoes_the_issue_and_removes_the_stored_file(drafted, com, monkeypatch):
    stored = []
    real_save = type(drafted.pdf).save

    def remember(self, name, content, save=True):
        real_save(self, name, content, save=save)
        stored.append(self.name)

    def broken_audit(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(type(drafted.pdf), "save", remember)
    monkeypatch.setattr(letters, "audit_record", broken_audit)

    with pytest.raises(RuntimeError):
        letter_issue(letter=drafted, by=com)

    drafted.refresh_from_db()
    assert drafted.issued_at is None and drafted.sha256 == ""
    assert stored and not drafted.pdf.storage.exists(stored[0])


def test_the_notification_guard_passes_once_the_letter_is_issued_through_letter_issue(drafted, com):
    engagement = drafted.engagement
    assert not notification_letter_issued(engagement)  # a draft does not count

    letter_issue(letter=drafted, by=com)

    assert notification_letter_issued(engagement)
    assert notification_letter_issued.refusals(engagement) == []


def test_the_chief_of_mission_approves_support_after_issuing_the_notification_in_the_app(office_a, pm, com):
    engagement = EngagementFactory(office=office_a, state=State.APPROVAL)
    record_coordination(engagement)
    complete_assessment(engagement, status=AssessmentStatus.ENDORSED)
    complete_plan(engagement, submitted=True)
    fill_procedure(engagement)
    letter = letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="fr", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )
    letter_issue(letter=letter, by=com)

    assert_taken(engagement, "approve_support", com, to=State.ACTIVE)


def test_another_kind_of_issued_letter_does_not_pass_the_notification_guard(engagement, pm, com):
    letter = letter_draft(
        engagement=engagement, kind=LetterKind.INTERCESSION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="Grounds.", by=pm,
    )
    letter_issue(letter=letter, by=com)

    assert not notification_letter_issued(engagement)
