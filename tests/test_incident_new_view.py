"""The log form (incidents/new/): the project manager of the office logs an allegation; a mistake
re-renders the form with its errors (400), keeping what was typed, and saves nothing."""

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry
from monitoring.models import Incident
from tests.factories import EngagementFactory, RecipientFactory
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    VICTIMS,
    active,
    command,
    commander,
    days_ago,
    force,
    form_fields,
    person_in,
    unit,
)


def _url(engagement):
    return reverse("incident_new", args=[engagement.pk])


def _post(client, user, engagement, fields):
    client.force_login(user)
    response = client.post(_url(engagement), fields)
    return response, response.content.decode()


def test_it_offers_the_categories_as_checkboxes_and_only_the_forces_persons(client, pm, active, unit, commander):
    # given a person of interest of another force
    stranger = person_in(RecipientFactory(name="Darvonian Army", country=active.recipient.country), name="Ivo Marr")
    client.force_login(pm)

    # when the project manager opens the form
    response = client.get(_url(active))

    # then the policy's categories are checkboxes, and only the force's persons are offered
    content = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" name="categories" value="war_crimes"' in content
    assert 'type="checkbox" name="categories" value="command_responsibility"' in content
    assert f'name="persons_implicated" value="{commander.pk}"' in content
    assert f'name="persons_implicated" value="{stranger.pk}"' not in content and "Ivo Marr" not in content
    assert '<label for="id_occurred_on">' in content


def test_a_valid_allegation_is_saved_and_audited(client, pm, active, unit, commander):
    # when the project manager posts a complete allegation
    response, _ = _post(client, pm, active, form_fields(unit, persons=[commander]))

    # then it is saved, audited, and the user lands on its page
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incident_detail", args=[active.pk, incident.pk])
    assert (incident.recipient, incident.victims, incident.logged_by) == (unit, VICTIMS, pm)
    assert list(incident.persons_implicated.all()) == [commander]
    assert AuditEntry.objects.filter(engagement=active, action="log_incident", actor=pm).count() == 1


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"occurred_on": days_ago(-2).isoformat()}, "occurred_on", "cannot be in the future"),
        ({"grave_violation": "on", "categories": None}, "categories", "at least one violation category"),
        ({"description": ""}, "description", "Describe what is alleged"),
        ({"channel": ""}, "channel", "Choose the channel"),
    ],
)
def test_a_mistake_re_renders_the_form_with_its_error_and_keeps_the_input(client, pm, active, unit, changes, field, message):
    # when the project manager posts an allegation with one mistake
    response, content = _post(client, pm, active, form_fields(unit, place="Omri market", **changes))

    # then nothing is saved, the error is shown, and what was typed is still there
    assert response.status_code == 400
    assert Incident.objects.count() == 0
    assert not AuditEntry.objects.filter(action="log_incident").exists()
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="error-summary"' in content
    assert 'value="Omri market"' in content
    assert VICTIMS in content


def test_several_mistakes_are_reported_at_once(client, pm, active, unit):
    response, _ = _post(
        client, pm, active,
        form_fields(unit, occurred_on=days_ago(-2).isoformat(), grave_violation="on", categories=None, description=""),
    )

    assert response.status_code == 400
    assert {"occurred_on", "categories", "description"} <= set(response.context["form"].errors)


def test_the_form_offers_no_substantial_grounds_checkbox(client, pm, active, unit):
    # given the project manager on the log form
    client.force_login(pm)

    # when the form is shown, then it proposes the classification only: the Chief of Mission determines
    response = client.get(reverse("incident_new", args=[active.pk]))
    assert "substantial_grounds" not in response.context["form"].fields
    assert 'name="substantial_grounds"' not in response.content.decode()


def test_a_recipient_outside_the_hierarchy_is_refused(client, pm, active):
    other = RecipientFactory(name="Darvonian Army", country=active.recipient.country)

    response, _ = _post(client, pm, active, form_fields(other))

    assert response.status_code == 400
    assert "recipient" in response.context["form"].errors
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_those_who_do_not_prepare_the_engagement_are_forbidden(request, client, active, unit, who):
    user = request.getfixturevalue(who)

    response, _ = _post(client, user, active, form_fields(unit))

    assert response.status_code == 403
    assert Incident.objects.count() == 0
    assert client.get(_url(active)).status_code == 403


def test_it_returns_404_for_another_offices_engagement(client, outsider, active, unit):
    response, _ = _post(client, outsider, active, form_fields(unit))

    assert response.status_code == 404
    assert client.get(_url(active)).status_code == 404
    assert Incident.objects.count() == 0


def test_the_outsiders_own_engagement_does_not_open_office_as_recipients(client, outsider, office_b, active, unit):
    # given the outsider's own engagement, in another country
    own = EngagementFactory(office=office_b)

    # when they post an allegation naming office A's unit
    response, _ = _post(client, outsider, own, form_fields(unit))

    # then the unit is not a choice there
    assert response.status_code == 400
    assert "recipient" in response.context["form"].errors
