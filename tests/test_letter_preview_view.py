"""The preview of a draft: rendered on request, marked as a draft, never stored."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hrddp.models import AuditEntry
from interventions.letters import letter_draft, letter_issue
from interventions.models import Letter, LetterKind

ADDRESSEE = "Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def draft(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )


def _url(letter):
    return reverse("letter_preview", args=[letter.engagement_id, letter.pk])


@pytest.mark.parametrize("who", ["pm", "com", "hq"])
def test_it_returns_the_draft_as_an_inline_pdf_marked_as_a_draft(request, client, draft, who):
    client.force_login(request.getfixturevalue(who))
    entries = AuditEntry.objects.count()

    response = client.get(_url(draft))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "no-store" in response["Cache-Control"]
    text = " ".join(PdfReader(BytesIO(response.content)).pages[0].extract_text().split())
    assert "Draft — not issued" in text and draft.reference in text
    stored = Letter.objects.get(pk=draft.pk)
    assert (stored.pdf.name, stored.sha256, stored.issued_at) == ("", "", None)
    assert AuditEntry.objects.count() == entries


def test_an_issued_letter_has_no_preview_but_its_stored_pdf(client, pm, com, draft):
    issued = letter_issue(letter=draft, by=com)
    client.force_login(pm)

    response = client.get(_url(issued))

    assert response.status_code == 302
    assert response["Location"] == reverse("letter_pdf", args=[issued.engagement_id, issued.pk])


def test_it_returns_404_for_another_offices_engagement(client, outsider, draft):
    client.force_login(outsider)

    response = client.get(_url(draft))

    assert response.status_code == 404
    assert b"%PDF" not in response.content
