"""One incident's page: the allegation, who was in command of the unit on the incident's date (from the
dated command periods), the grade, verification and escalation, and the confidential details only for
those granted access."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import CommandPeriod
from monitoring.models import Incident
from tests.factories import EngagementFactory
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    CONFIDENTIAL_VALUES,
    REDACTED,
    active,
    command,
    commander,
    days_ago,
    force,
    grant,
    grave,
    log,
    person_in,
    unit,
)


def _url(incident, engagement=None):
    return reverse("incident_detail", args=[(engagement or incident.engagement).pk, incident.pk])


def _page(client, user, incident, engagement=None):
    client.force_login(user)
    response = client.get(_url(incident, engagement))
    return response, response.content.decode()


def test_it_shows_the_commander_of_the_unit_on_the_incidents_date_not_an_earlier_one(client, pm, active, unit, commander):
    # given a commander whose period ended before the incident, and one who commanded the command above
    former = person_in(unit, name="Mirela Vost", rank="Major")
    CommandPeriod.objects.create(
        person=former, unit=unit, position="Unit commander", start_date=days_ago(2000), end_date=days_ago(731)
    )
    later = person_in(unit, name="Pavel Dunn", rank="Major")
    CommandPeriod.objects.create(person=later, unit=unit, position="Deputy commander", start_date=days_ago(5))
    provincial = person_in(unit.parent, name="Idris Valemo", rank="General")
    CommandPeriod.objects.create(
        person=provincial, unit=unit.parent, position="Commander of Esse Province", start_date=days_ago(400)
    )
    incident = log(active, pm, recipient=unit, occurred_on=days_ago(10))

    # when the project manager opens it
    response, content = _page(client, pm, incident)

    # then the unit's commander on that date is shown first, then the province's; not the former nor the later one
    assert response.status_code == 200
    assert [p.person for p in response.context["commanders"]] == [commander, provincial]
    assert "Colonel Tomas Reyl — Unit commander, Rapid Intervention Unit" in content
    assert "Mirela Vost" not in content
    assert "Pavel Dunn" not in content


def test_it_shows_the_grade_verification_and_escalation_time(client, pm, active, unit):
    incident = log(active, pm, recipient=unit, **grave())

    response, content = _page(client, pm, incident)

    incident.refresh_from_db()
    assert '<span class="grade">B2</span>' in content
    assert "Corroborated" in content
    assert incident.escalated_at is not None
    assert f'<time datetime="{timezone.localtime(incident.escalated_at).isoformat()}">' in content
    assert "War crimes" in content


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_without_the_grant_the_confidential_details_are_redacted(request, client, active, pm, who):
    incident = log(active, pm)

    response, content = _page(client, request.getfixturevalue(who), incident)

    assert response.status_code == 200
    for value in CONFIDENTIAL_VALUES:
        assert value not in content
    assert REDACTED in content


@pytest.mark.parametrize("who", ["pm", "com", "hq"])
def test_with_the_grant_the_confidential_details_are_shown(request, client, active, pm, who):
    incident = log(active, pm)
    user = request.getfixturevalue(who)
    grant(user, active)

    response, content = _page(client, user, incident)

    for value in CONFIDENTIAL_VALUES:
        assert value in content
    assert REDACTED not in content


def test_a_grant_on_another_engagement_does_not_open_this_one(client, pm, office_a, active):
    incident = log(active, pm)
    grant(pm, EngagementFactory(office=office_a))

    _, content = _page(client, pm, incident)

    assert REDACTED in content
    for value in CONFIDENTIAL_VALUES:
        assert value not in content


def test_it_offers_editing_to_the_project_manager_only(client, pm, hq, active):
    incident = log(active, pm)
    edit = reverse("incident_edit", args=[active.pk, incident.pk])

    assert edit in _page(client, pm, incident)[1]
    assert edit not in _page(client, hq, incident)[1]


def test_it_returns_404_for_another_offices_engagement(client, outsider, pm, active):
    incident = log(active, pm)

    response, content = _page(client, outsider, incident)

    assert response.status_code == 404
    assert "Kael checkpoint" not in content


def test_it_returns_404_for_an_incident_of_another_engagement_under_this_url(client, pm, office_a, active):
    incident = log(active, pm)
    other = EngagementFactory(office=office_a)

    response, _ = _page(client, pm, incident, engagement=other)

    assert response.status_code == 404
    assert Incident.objects.filter(pk=incident.pk).exists()
