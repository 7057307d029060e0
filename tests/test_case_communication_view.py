"""The intercession brought to the authorities, recorded on the case page (P¶26): the project manager or the
Chief of Mission of the engagement records it; the checklist then dates the intercession from it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditEntry
from interventions.models import IntercessionCommunication, InterventionCase
from tests.builders import engagement_ready_for


@pytest.fixture
def case(office_a):
    return InterventionCase.objects.get(engagement=engagement_ready_for("resolve", office=office_a))


def _url(case):
    return reverse("case_communication", args=[case.engagement_id, case.pk])


def _data(**changes):
    return {
        "communicated_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "counterpart": "Col. Anna Reyes, focal point of the Ministry", "channel": "Meeting at the Ministry",
        "summary": "The killings at the Kael checkpoint; an inquiry was promised.",
    } | changes


def _page(client, case):
    return client.get(reverse("case_detail", args=[case.engagement_id, case.pk]))


@pytest.mark.parametrize("who", ["pm", "com"])
def test_the_pm_or_the_chief_of_mission_records_it_and_the_checklist_dates_the_intercession(client, case, request, who):
    # Given the case page, which offers the form
    client.force_login(request.getfixturevalue(who))
    assert "Record a communication with the authorities" in _page(client, case).content.decode()

    # When the communication is recorded
    response = client.post(_url(case), _data())

    # Then it is kept, audited, and the case page shows the intercession made
    assert response.status_code == 302
    communication = IntercessionCommunication.objects.get(case=case)
    assert communication.counterpart == "Col. Anna Reyes, focal point of the Ministry"
    assert AuditEntry.objects.filter(action="record_intercession_made", details__communication=communication.pk).exists()
    page = _page(client, case).content.decode()
    assert "Meeting at the Ministry with Col. Anna Reyes" in page


def test_a_communication_missing_its_parts_shows_every_error_at_once_and_keeps_what_was_typed(client, case, pm):
    client.force_login(pm)

    response = client.post(_url(case), _data(communicated_on="", counterpart="", channel="", summary="Kept text"))

    assert response.status_code == 400
    content = response.content.decode()
    assert "Give the date the grounds were brought to the authorities." in content
    assert "Kept text" in content
    assert content.count('class="field-error"') >= 3
    assert not IntercessionCommunication.objects.exists()


@pytest.mark.parametrize("value", ["31/31/2026", "99999-01-01", "2026-02-30"])
def test_a_date_that_is_no_date_is_a_field_error_not_a_server_error(client, case, pm, value):
    client.force_login(pm)

    response = client.post(_url(case), _data(communicated_on=value))

    assert response.status_code == 400
    assert not IntercessionCommunication.objects.exists()


def test_a_future_date_is_refused_on_its_field(client, case, pm):
    client.force_login(pm)

    response = client.post(_url(case), _data(communicated_on=(timezone.localdate() + timedelta(days=1)).isoformat()))

    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()


def test_an_outsider_gets_404_and_nothing_is_written(client, case, outsider, com_b):
    for user in (outsider, com_b):
        client.force_login(user)
        assert client.post(_url(case), _data()).status_code == 404
        assert _page(client, case).status_code == 404
    assert not IntercessionCommunication.objects.exists()


@pytest.mark.parametrize("who", ["hq", "auditor"])
def test_a_role_that_does_not_record_it_gets_403_and_no_form(client, case, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.post(_url(case), _data()).status_code == 403
    assert "Record a communication with the authorities" not in _page(client, case).content.decode()
    assert not IntercessionCommunication.objects.exists()


def test_get_on_the_address_writes_nothing(client, case, pm):
    client.force_login(pm)

    assert client.get(_url(case)).status_code == 405
    assert not IntercessionCommunication.objects.exists()


def test_a_case_of_another_engagement_is_not_found_under_this_one(client, office_a, case, pm):
    other = InterventionCase.objects.get(engagement=engagement_ready_for("resolve", office=office_a))
    client.force_login(pm)

    response = client.post(reverse("case_communication", args=[case.engagement_id, other.pk]), _data())

    assert response.status_code == 404
