"""The list of incidents across engagements: scoped to what the user sees, filtered, sorted, without
confidential details, and a bounded number of queries for 10 and 1,000 engagements."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hrddp.models import RecipientCategory
from monitoring.models import Channel, Incident
from tests.factories import EngagementFactory, RecipientFactory
from tests.portfolio_data import queries_for_10_and_1000

URL = reverse("incident_overview")
MAX_QUERIES = 12


def _incident(engagement, *, days_ago=3, categories=(), channel=Channel.PUBLIC_SOURCE, **fields):
    return Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient,
        occurred_on=timezone.localdate() - timedelta(days=days_ago), description=fields.pop("description", "Reported."),
        categories=list(categories), channel=channel, victims="Amina K., 17", **fields,
    )


def _listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, list(response.context["page"].object_list)


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_it_shows_the_project_manager_only_their_offices_incidents(client, pm, engagement, engagement_b):
    mine = _incident(engagement)
    _incident(engagement_b, description="Beaten at the Meridia port")

    response, listed = _listed(client, pm)

    assert listed == [mine]
    assert "Beaten at the Meridia port" not in response.content.decode()


def test_it_shows_the_outsider_none_of_office_a(client, outsider, engagement, engagement_b):
    _incident(engagement)
    theirs = _incident(engagement_b)

    assert _listed(client, outsider)[1] == [theirs]


def test_it_shows_hq_every_office(client, hq, engagement, engagement_b):
    both = {_incident(engagement), _incident(engagement_b)}

    assert set(_listed(client, hq)[1]) == both


def test_it_never_shows_confidential_details(client, hq, engagement):
    _incident(engagement)

    response, _ = _listed(client, hq)

    assert "Amina K." not in response.content.decode()


def test_it_filters_by_category_channel_grave_and_period(client, hq, engagement):
    war = _incident(engagement, categories=["war_crimes", "pattern"], channel=Channel.UN_MONITORING)
    grave = _incident(engagement, categories=["refoulement"], grave_violation=True, substantial_grounds=True)
    old = _incident(engagement, days_ago=400, categories=["war_crimes"])

    assert set(_listed(client, hq, category="war_crimes")[1]) == {war, old}
    assert _listed(client, hq, category="pattern")[1] == [war]
    assert _listed(client, hq, channel=Channel.UN_MONITORING)[1] == [war]
    assert _listed(client, hq, grave="yes")[1] == [grave]
    start = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert set(_listed(client, hq, start=start)[1]) == {war, grave}


def test_it_filters_by_office_country_and_recipient_category(client, hq, office_a, engagement, engagement_b):
    coast = EngagementFactory(
        office=office_a, recipient=RecipientFactory(country=office_a.country, category=RecipientCategory.COAST_GUARD)
    )
    at_sea = _incident(coast)
    in_b = _incident(engagement_b)
    _incident(engagement)

    assert _listed(client, hq, recipient_category=RecipientCategory.COAST_GUARD)[1] == [at_sea]
    assert _listed(client, hq, office=engagement_b.office.pk)[1] == [in_b]
    assert _listed(client, hq, country=engagement_b.office.country)[1] == [in_b]


def test_it_sorts_by_date_both_ways(client, hq, engagement):
    older, newer = _incident(engagement, days_ago=9), _incident(engagement, days_ago=1)

    assert _listed(client, hq, sort="date")[1] == [older, newer]
    assert _listed(client, hq, sort="-date")[1] == [newer, older]


def test_it_runs_the_same_bounded_number_of_queries_for_10_and_1000_engagements(client, hq, pm, office_a, office_b):
    few, many = queries_for_10_and_1000(client, [hq, pm], office_a, office_b, URL, {"category": "gross_violations"})

    assert few == many
    assert max(many) <= MAX_QUERIES
