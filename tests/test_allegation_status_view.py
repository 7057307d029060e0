"""Changing an allegation's status: only the moves the status allows are offered, and only to those who may
make them (a project manager takes a reported allegation up for review; a Chief of Mission or HQ decides); a
project manager trying to substantiate gets a 403; each change keeps who, role, when and why."""

import pytest
from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry
from register.models import AllegationStatus
from register.services import allegation_status_change
from tests.test_person_helpers import force, person, reported, unit  # noqa: F401 - fixtures


def _url(allegation):
    return reverse("allegation_status", args=[allegation.pk])


def _offered(response) -> list[str]:
    return [value for value, _ in response.context["form"].shown]


def test_the_chief_of_mission_is_offered_every_move_and_substantiates_with_a_reason(client, pm, com, person):
    allegation = reported(pm, person)
    client.force_login(com)
    page = client.get(_url(allegation))
    assert page.status_code == 200
    assert _offered(page) == ["under_review", "substantiated", "not_substantiated", "cleared"]

    response = client.post(_url(allegation), {"to_status": "substantiated", "reason": "Two reports agree."})

    assert response.status_code == 302
    allegation.refresh_from_db()
    assert allegation.status == AllegationStatus.SUBSTANTIATED
    change = allegation.status_changes.latest("pk")
    assert (change.by, change.role, change.reason) == (com, "chief_of_mission", "Two reports agree.")
    assert AuditEntry.objects.get(action=AuditAction.CHANGE_ALLEGATION_STATUS).actor == com
    # and the history shows on the person's page
    content = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "Two reports agree." in content and "Chief of Mission" in content


def test_a_project_manager_is_offered_only_to_take_it_up_for_review(client, pm, person):
    allegation = reported(pm, person)
    client.force_login(pm)

    page = client.get(_url(allegation))

    assert _offered(page) == ["under_review"]
    assert 'value="substantiated"' not in page.content.decode()
    assert client.post(_url(allegation), {"to_status": "under_review", "reason": "Checking the sources."}).status_code == 302
    allegation.refresh_from_db()
    assert allegation.status == AllegationStatus.UNDER_REVIEW


def test_a_project_manager_trying_to_substantiate_gets_403_and_nothing_changes(client, pm, person):
    allegation = reported(pm, person)
    client.force_login(pm)

    response = client.post(_url(allegation), {"to_status": "substantiated", "reason": "I am sure."})

    assert response.status_code == 403
    allegation.refresh_from_db()
    assert allegation.status == AllegationStatus.REPORTED
    assert not AuditEntry.objects.filter(action=AuditAction.CHANGE_ALLEGATION_STATUS).exists()


def test_a_project_manager_gets_403_on_an_allegation_under_review(client, pm, person):
    allegation = reported(pm, person)
    allegation_status_change(by=pm, allegation=allegation, to_status="under_review", reason="Checking.")
    client.force_login(pm)

    assert client.get(_url(allegation)).status_code == 403


def test_a_move_the_status_does_not_allow_is_refused_in_words(client, pm, com, person):
    allegation = reported(pm, person)
    allegation_status_change(by=com, allegation=allegation, to_status="not_substantiated", reason="One weak source.")
    client.force_login(com)

    response = client.post(_url(allegation), {"to_status": "substantiated", "reason": "Now sure."})

    assert response.status_code == 400
    assert "cannot be moved there now" in response.context["form"].errors["to_status"][0]
    assert _offered(response) == ["under_review"]


def test_a_change_without_a_reason_is_refused_and_keeps_the_choice(client, pm, com, person):
    allegation = reported(pm, person)
    client.force_login(com)

    response = client.post(_url(allegation), {"to_status": "cleared", "reason": "  "})

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert response.context["form"]["to_status"].value() == "cleared"
    assert "checked" in response.content.decode()
    allegation.refresh_from_db()
    assert allegation.status == AllegationStatus.REPORTED


@pytest.mark.parametrize("who", ["hq"])
def test_hq_decides(client, request, pm, person, who):
    allegation = reported(pm, person)
    client.force_login(request.getfixturevalue(who))

    assert client.post(_url(allegation), {"to_status": "not_substantiated", "reason": "No."}).status_code == 302


def test_an_auditor_gets_403(client, pm, auditor, person):
    allegation = reported(pm, person)
    client.force_login(auditor)

    assert client.get(_url(allegation)).status_code == 403
    assert client.post(_url(allegation), {"to_status": "under_review", "reason": "x"}).status_code == 403


def test_a_pm_of_another_country_gets_404(client, pm, outsider, com_b, person):
    allegation = reported(pm, person)
    for user in (outsider, com_b):
        client.force_login(user)
        assert client.get(_url(allegation)).status_code == 404
        assert client.post(_url(allegation), {"to_status": "substantiated", "reason": "x"}).status_code == 404
    allegation.refresh_from_db()
    assert allegation.status == AllegationStatus.REPORTED
