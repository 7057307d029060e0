"""Issuing a letter through the web: only the Chief of Mission who signs it, once."""

import hashlib

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry
from interventions.letters import letter_draft
from interventions.models import Letter, LetterKind

ADDRESSEE = "Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def draft(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )


def _url(letter):
    return reverse("letter_issue", args=[letter.engagement_id, letter.pk])


def test_the_chief_of_mission_issues_the_letter_and_returns_to_it(client, com, draft):
    client.force_login(com)

    response = client.post(_url(draft))

    assert response.status_code == 302
    assert response["Location"] == reverse("letter_detail", args=[draft.engagement_id, draft.pk])
    issued = Letter.objects.get(pk=draft.pk)
    assert issued.issued_by == com and issued.letter_date is not None
    with issued.pdf.open("rb") as stream:
        assert hashlib.sha256(stream.read()).hexdigest() == issued.sha256
    assert AuditEntry.objects.filter(action="issue_letter", actor=com).count() == 1


def test_issuing_twice_is_refused_with_a_conflict_and_changes_nothing(client, com, draft):
    client.force_login(com)
    client.post(_url(draft))
    first = Letter.objects.get(pk=draft.pk)

    response = client.post(_url(draft))

    assert response.status_code == 409
    assert "already issued" in response.content.decode()
    again = Letter.objects.get(pk=draft.pk)
    assert (again.sha256, again.pdf.name, again.issued_at) == (first.sha256, first.pdf.name, first.issued_at)
    assert AuditEntry.objects.filter(action="issue_letter").count() == 1


def test_the_project_manager_gets_403_and_the_letter_stays_a_draft(client, pm, draft):
    client.force_login(pm)

    response = client.post(_url(draft))

    assert response.status_code == 403
    assert Letter.objects.get(pk=draft.pk).issued_at is None


def test_a_get_does_not_issue(client, com, draft):
    client.force_login(com)

    response = client.get(_url(draft))

    assert response.status_code == 405
    assert Letter.objects.get(pk=draft.pk).issued_at is None


def test_it_returns_404_for_another_offices_engagement(client, com_b, draft):
    client.force_login(com_b)

    response = client.post(_url(draft))

    assert response.status_code == 404
    assert Letter.objects.get(pk=draft.pk).issued_at is None
