"""The incidents of an engagement: newest first, filtered by category, channel and classification,
in a bounded number of queries; read by everyone who sees the engagement."""

import pytest
from django.urls import reverse

from monitoring.models import Channel, Incident
from tests.factories import EngagementFactory
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    CONFIDENTIAL_VALUES,
    active,
    command,
    commander,
    days_ago,
    force,
    grave,
    log,
    person_in,
    unit,
)

# Session (read and saved), user, memberships, content types (first request), engagement, the page count,
# guardian's two checks of confidential access, the incidents, their persons implicated, the unread
# notifications of the header: the same whatever the number of rows.
MAX_QUERIES = 16


def _url(engagement, **query):
    from urllib.parse import urlencode

    return reverse("incident_list", args=[engagement.pk]) + (f"?{urlencode(query)}" if query else "")


def _page(client, user, engagement, **query):
    client.force_login(user)
    response = client.get(_url(engagement, **query))
    return response, response.content.decode()


def _pks(response):
    return [record["pk"] for record in response.context["records"]]


def test_it_lists_the_engagements_incidents_newest_first(client, pm, office_a, active, unit):
    # given two incidents, and one on another engagement of the office
    older = log(active, pm, occurred_on=days_ago(30), place="Omri market")
    newer = log(active, pm, recipient=unit, occurred_on=days_ago(2))
    log(EngagementFactory(office=office_a, recipient=active.recipient), pm, place="Elsewhere")

    # when the project manager opens the list
    response, content = _page(client, pm, active)

    # then this engagement's two are shown, newest first, with a link each
    assert response.status_code == 200
    assert _pks(response) == [newer.pk, older.pk]
    assert reverse("incident_detail", args=[active.pk, newer.pk]) in content
    assert "Elsewhere" not in content
    assert reverse("incident_new", args=[active.pk]) in content


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"category": "war_crimes"}, ["grave"]),
        ({"category": "gross_violations"}, ["plain", "grave_only"]),
        ({"channel": Channel.GRIEVANCE_MECHANISM}, ["grave_only"]),
        ({"grave": "grave"}, ["grave", "grave_only"]),
        ({"grave": "substantial"}, ["grave"]),
        ({"grave": "not_grave"}, ["plain"]),
    ],
)
def test_it_filters_by_category_channel_and_classification(client, pm, active, query, expected):
    # given a plain allegation, a grave one with grounds, and a grave one without (through a grievance mechanism)
    made = {
        "plain": log(active, pm, occurred_on=days_ago(3)),
        "grave": log(active, pm, occurred_on=days_ago(2), **grave()),
        "grave_only": log(
            active, pm, occurred_on=days_ago(1), grave_violation=True, channel=Channel.GRIEVANCE_MECHANISM,
        ),
    }

    response, _ = _page(client, pm, active, **query)

    assert sorted(_pks(response)) == sorted(made[name].pk for name in expected)


def test_the_list_shows_no_confidential_detail_even_with_the_grant(client, pm, active):
    log(active, pm)

    _, content = _page(client, pm, active)

    for value in CONFIDENTIAL_VALUES:
        assert value not in content


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_others_who_see_the_engagement_read_the_list_without_the_log_button(request, client, pm, active, who):
    log(active, pm)

    response, content = _page(client, request.getfixturevalue(who), active)

    assert response.status_code == 200
    assert len(_pks(response)) == 1
    assert reverse("incident_new", args=[active.pk]) not in content


def test_it_returns_404_for_another_offices_engagement(client, outsider, pm, active):
    log(active, pm)

    response, content = _page(client, outsider, active)

    assert response.status_code == 404
    assert "Kael checkpoint" not in content


@pytest.mark.parametrize("size", [3, 30])
def test_it_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, pm, active, unit, commander, size):
    # given incidents against the unit, each naming two persons
    deputy = person_in(unit, name="Pavel Dunn")
    for i in range(size):
        log(active, pm, recipient=unit, persons=[commander, deputy], place=f"Post {i}")
    client.force_login(pm)

    # when / then
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(_url(active))
    assert len(_pks(response)) == size
    assert Incident.objects.count() == size
