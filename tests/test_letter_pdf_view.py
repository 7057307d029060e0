"""Downloading an issued letter: the stored PDF, the very bytes whose SHA-256 is recorded."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from interventions.letters import letter_draft, letter_issue
from interventions.models import LetterKind

ADDRESSEE = "Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def draft(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="fr", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )


@pytest.fixture
def issued(draft, com):
    return letter_issue(letter=draft, by=com)


def _url(letter):
    return reverse("letter_pdf", args=[letter.engagement_id, letter.pk])


def _stored(letter) -> bytes:
    with letter.pdf.open("rb") as stream:
        return stream.read()


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_it_serves_the_stored_bytes_as_an_attachment(request, client, issued, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(_url(issued))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{issued.reference.replace("/", "-")}.pdf"'
    assert response.content == _stored(issued)
    assert hashlib.sha256(response.content).hexdigest() == issued.sha256 == response["X-Content-SHA256"]


def test_a_draft_has_no_stored_pdf(client, pm, draft):
    client.force_login(pm)

    assert client.get(_url(draft)).status_code == 404


def test_a_stored_file_that_no_longer_matches_its_hash_is_not_served(client, pm, issued):
    storage, name = issued.pdf.storage, issued.pdf.name
    storage.delete(name)
    storage.save(name, ContentFile(b"%PDF-1.7 forged"))
    client.force_login(pm)

    response = client.get(_url(issued))

    assert response.status_code == 500
    assert b"forged" not in response.content
    assert "does not match its recorded fingerprint" in response.content.decode()


def test_it_returns_404_for_another_offices_engagement(client, outsider, issued):
    client.force_login(outsider)

    response = client.get(_url(issued))

    assert response.status_code == 404
    assert response.content != _stored(issued)
