"""One letter's page: what it says, where it stands, and what the user may do with it."""

import pytest
from django.urls import reverse

from hrddp.models import Role
from interventions.letters import letter_draft, letter_issue
from interventions.models import LetterKind
from tests.factories import user_with_role

ADDRESSEE = "Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def draft(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.INTERCESSION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="Two traders were killed at the Kael checkpoint.", by=pm,
    )


def _page(client, user, letter):
    client.force_login(user)
    response = client.get(reverse("letter_detail", args=[letter.engagement_id, letter.pk]))
    return response, response.content.decode()


def test_it_shows_the_draft_and_offers_the_signatory_to_issue_it(client, com, draft):
    response, content = _page(client, com, draft)

    assert response.status_code == 200
    assert draft.reference in content
    assert "Two traders were killed at the Kael checkpoint." in content
    assert "Commander of Esse Province" in content
    assert reverse("letter_preview", args=[draft.engagement_id, draft.pk]) in content
    assert f'action="{reverse("letter_issue", args=[draft.engagement_id, draft.pk])}"' in content
    assert reverse("letter_edit", args=[draft.engagement_id, draft.pk]) not in content


def test_it_offers_the_project_manager_to_edit_the_draft_but_not_to_issue_it(client, pm, draft):
    response, content = _page(client, pm, draft)

    assert reverse("letter_edit", args=[draft.engagement_id, draft.pk]) in content
    assert reverse("letter_issue", args=[draft.engagement_id, draft.pk]) not in content
    assert "Waiting for" in content


def test_another_chief_of_mission_of_the_office_is_told_only_the_signatory_issues(client, office_a, draft):
    acting = user_with_role(Role.CHIEF_OF_MISSION, office_a, username="oic.a")

    response, content = _page(client, acting, draft)

    assert reverse("letter_issue", args=[draft.engagement_id, draft.pk]) not in content
    assert "who signs this letter, can issue it" in content


def test_it_shows_an_issued_letter_with_its_fingerprint_download_dispatch_and_correction(client, pm, com, draft):
    issued = letter_issue(letter=draft, by=com)

    response, content = _page(client, pm, issued)

    assert f"{issued.sha256[:32]}<wbr>{issued.sha256[32:]}" in content
    assert reverse("letter_pdf", args=[issued.engagement_id, issued.pk]) in content
    assert f'action="{reverse("letter_dispatch", args=[issued.engagement_id, issued.pk])}"' in content
    assert reverse("letter_correct", args=[issued.engagement_id, issued.pk]) in content
    assert reverse("letter_edit", args=[issued.engagement_id, issued.pk]) not in content
    assert reverse("letter_preview", args=[issued.engagement_id, issued.pk]) not in content


def test_hq_reads_an_issued_letter_without_any_action(client, hq, com, draft):
    issued = letter_issue(letter=draft, by=com)

    response, content = _page(client, hq, issued)

    assert response.status_code == 200
    assert reverse("letter_pdf", args=[issued.engagement_id, issued.pk]) in content
    assert "letter_dispatch" not in content and "/dispatch/" not in content and "/correct/" not in content


def test_it_returns_404_for_another_offices_engagement(client, outsider, draft):
    response, content = _page(client, outsider, draft)

    assert response.status_code == 404
    assert draft.reference not in content
