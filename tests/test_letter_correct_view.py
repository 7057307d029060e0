"""Correcting an issued letter through the web: a new draft, prefilled with a copy,
that names the letter it corrects; the issued letter is not touched."""

import pytest
from django.urls import reverse

from interventions.letters import letter_draft, letter_issue
from interventions.models import Letter, LetterKind

ADDRESSEE = "Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def draft(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="Support: two motorbikes.", by=pm,
    )


@pytest.fixture
def issued(draft, com):
    return letter_issue(letter=draft, by=com)


def _url(letter):
    return reverse("letter_correct", args=[letter.engagement_id, letter.pk])


def _data(letter, **changes):
    data = {
        "language": letter.language, "addressee": letter.addressee, "signatory": letter.signatory_id,
        "subject": letter.subject, "body": letter.body,
    }
    data.update(changes)
    return data


def test_it_offers_a_copy_of_the_issued_letter(client, pm, issued):
    client.force_login(pm)

    response = client.get(_url(issued))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["body"].value() == "Support: two motorbikes."
    assert form["addressee"].value() == ADDRESSEE
    assert form.fields["kind"].disabled
    assert "stays exactly as it was issued" in response.content.decode()


def test_it_creates_a_new_draft_that_corrects_the_issued_letter_and_leaves_it_untouched(client, pm, issued):
    before = Letter.objects.filter(pk=issued.pk).values().get()
    client.force_login(pm)

    response = client.post(_url(issued), _data(issued, body="Support: three motorbikes."))

    correction = Letter.objects.exclude(pk=issued.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letter_detail", args=[issued.engagement_id, correction.pk])
    assert (correction.corrects, correction.kind, correction.body, correction.issued_at) == (
        issued, issued.kind, "Support: three motorbikes.", None,
    )
    assert correction.reference != issued.reference
    assert Letter.objects.filter(pk=issued.pk).values().get() == before


def test_a_draft_is_edited_not_corrected(client, pm, draft):
    client.force_login(pm)

    response = client.post(_url(draft), _data(draft))

    assert response.status_code == 409
    assert Letter.objects.count() == 1


def test_the_chief_of_mission_does_not_draft_corrections(client, com, issued):
    client.force_login(com)

    assert client.post(_url(issued), _data(issued)).status_code == 403
    assert Letter.objects.count() == 1


def test_it_returns_404_for_another_offices_engagement(client, outsider, issued):
    client.force_login(outsider)

    assert client.get(_url(issued)).status_code == 404
    assert client.post(_url(issued), _data(issued)).status_code == 404
    assert Letter.objects.count() == 1
