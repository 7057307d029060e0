"""The letters of an engagement: newest first, with their status; the project manager can start a draft."""

import pytest
from django.urls import reverse

from hrddp.models import State
from interventions.letters import letter_draft, letter_issue, letter_record_dispatch
from interventions.models import LetterKind
from tests.factories import EngagementFactory

ADDRESSEE = "Commander of Esse Province\nMinistry of the Interior"


def _draft(engagement, pm, com, kind=LetterKind.NOTIFICATION, body=""):
    return letter_draft(
        engagement=engagement, kind=kind, language="en", addressee=ADDRESSEE, signatory=com, subject="", body=body,
        by=pm,
    )


def _list(client, user, engagement):
    client.force_login(user)
    response = client.get(reverse("letter_list", args=[engagement.pk]))
    return response, response.content.decode()


def test_it_lists_drafts_and_issued_letters_with_their_status(client, pm, com, engagement):
    draft = _draft(engagement, pm, com, kind=LetterKind.INTERCESSION, body="Grounds.")
    issued = letter_issue(letter=_draft(engagement, pm, com), by=com)
    letter_record_dispatch(letter=issued, dispatched_on=issued.letter_date, channel="Courier", by=pm)

    response, content = _list(client, pm, engagement)

    assert response.status_code == 200
    assert [letter.pk for letter in response.context["letters"]] == [issued.pk, draft.pk]
    assert reverse("letter_detail", args=[engagement.pk, draft.pk]) in content
    assert "Draft" in content and "Issued" in content and "sent " in content


def test_it_lists_only_the_letters_of_this_engagement(client, pm, com, office_a, engagement):
    other = EngagementFactory(office=office_a)
    elsewhere = _draft(other, pm, com)

    response, content = _list(client, pm, engagement)

    assert list(response.context["letters"]) == []
    assert elsewhere.reference not in content
    assert "No letter yet." in content


def test_it_offers_the_project_manager_the_letter_the_state_calls_for(client, pm, office_a):
    declined = EngagementFactory(office=office_a, state=State.DECLINED)

    response, content = _list(client, pm, declined)

    assert response.context["suggested_kind"] == LetterKind.UNLESS_AND_UNTIL
    assert f'action="{reverse("letter_new", args=[declined.pk])}"' in content
    assert '<option value="unless_and_until" selected>' in content


@pytest.mark.parametrize("who", ["com", "hq"])
def test_it_offers_no_draft_form_to_those_who_do_not_draft(request, client, engagement, who):
    response, content = _list(client, request.getfixturevalue(who), engagement)

    assert response.status_code == 200
    assert reverse("letter_new", args=[engagement.pk]) not in content


def test_it_returns_404_for_another_offices_engagement(client, pm, com, outsider, engagement):
    letter = _draft(engagement, pm, com)

    response, content = _list(client, outsider, engagement)

    assert response.status_code == 404
    assert letter.reference not in content
