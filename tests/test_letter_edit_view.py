"""Editing a draft letter: the project manager changes it until it is issued; then never."""

import pytest
from django.urls import reverse

from interventions.letters import letter_draft, letter_issue
from interventions.models import Letter, LetterKind

ADDRESSEE = "Idris Valemo\nCommander of Esse Province"


@pytest.fixture
def draft(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.INTERCESSION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="First version of the grounds.", by=pm,
    )


def _url(letter):
    return reverse("letter_edit", args=[letter.engagement_id, letter.pk])


def _data(letter, **changes):
    data = {
        "language": letter.language, "addressee": letter.addressee, "signatory": letter.signatory_id,
        "subject": letter.subject, "body": letter.body,
    }
    data.update(changes)
    return data


def test_it_shows_the_draft_in_the_form_with_its_kind_fixed(client, pm, draft):
    client.force_login(pm)

    response = client.get(_url(draft))

    assert response.status_code == 200
    assert response.context["form"]["body"].value() == "First version of the grounds."
    assert response.context["form"].fields["kind"].disabled


def test_the_project_manager_changes_the_draft(client, pm, draft):
    client.force_login(pm)

    response = client.post(_url(draft), _data(draft, body="Second version.", kind=LetterKind.CESSATION))

    assert response.status_code == 302
    stored = Letter.objects.get(pk=draft.pk)
    assert (stored.body, stored.kind, stored.reference) == ("Second version.", LetterKind.INTERCESSION, draft.reference)


def test_a_change_that_empties_the_grounds_is_refused_and_shown(client, pm, draft):
    client.force_login(pm)

    response = client.post(_url(draft), _data(draft, body=" ", subject="A subject I typed"))

    assert response.status_code == 400
    content = response.content.decode()
    assert '<a href="#id_body">' in content and 'value="A subject I typed"' in content
    assert Letter.objects.get(pk=draft.pk).body == "First version of the grounds."


def test_an_issued_letter_cannot_be_edited(client, pm, com, draft):
    issued = letter_issue(letter=draft, by=com)
    client.force_login(pm)

    response = client.post(_url(issued), _data(issued, body="Rewritten."))

    assert response.status_code == 409
    assert "draft a correction instead" in response.content.decode()
    assert Letter.objects.get(pk=issued.pk).body == "First version of the grounds."


def test_the_chief_of_mission_does_not_edit_drafts(client, com, draft):
    client.force_login(com)

    response = client.post(_url(draft), _data(draft, body="Changed by the COM."))

    assert response.status_code == 403
    assert Letter.objects.get(pk=draft.pk).body == "First version of the grounds."


def test_it_returns_404_for_another_offices_engagement(client, outsider, draft):
    client.force_login(outsider)

    assert client.get(_url(draft)).status_code == 404
    assert client.post(_url(draft), _data(draft, body="Changed.")).status_code == 404
    assert Letter.objects.get(pk=draft.pk).body == "First version of the grounds."
