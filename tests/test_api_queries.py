"""No query per row: every list endpoint costs the same few queries whatever the number of records (asserted with
2 and 12 engagements carrying a record of every kind, and on the synthetic portfolio at 10 and 1,000 engagements),
and the engagement list at 10 and 100 engagements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.urls import router
from hrddp.models import Notification, PersonOfInterest
from monitoring.models import Incident
from tests.api_client import api_as
from tests.builders import grave_incident, workflow_records
from tests.factories import EngagementFactory, RecipientFactory, SupportActivityFactory
from tests.portfolio_data import bulk_portfolio

ROUTES = [prefix for prefix, _viewset, _basename in router.registry]
# Session or token, throttle, scope and the page and its count; a few prefetches for the nested records.
MAX_QUERIES = 14


def _world(office, pm, count):
    for _n in range(count):
        engagement = EngagementFactory(office=office)
        workflow_records(engagement, actor=pm)
        # An incident against a unit two levels down, with a person implicated: the presenter names both.
        command = RecipientFactory(parent=engagement.recipient, level="command", country=office.country)
        unit = RecipientFactory(parent=command, level="unit", country=office.country)
        incident = grave_incident(engagement, logged_by=pm)
        Incident.objects.filter(pk=incident.pk).update(recipient=unit)
        incident.persons_implicated.add(PersonOfInterest.objects.create(full_name="Marek Dalgo", recipient=unit))
        Notification.objects.create(user=pm, kind="step", engagement=engagement, title="Step", dedupe_key=f"q{engagement.pk}")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("who", ["pm", "auditor"])
def test_every_list_costs_the_same_with_2_and_12_engagements(request, office_a, pm, who):
    client = api_as(request.getfixturevalue(who))
    _world(office_a, pm, 2)
    # Once round first: the token's first use is written down, and Django's caches (content types) fill.
    for prefix in ROUTES:
        client.get(f"/api/v1/{prefix}/")
    small = {prefix: _queries(client, f"/api/v1/{prefix}/") for prefix in ROUTES}
    _world(office_a, pm, 10)
    large = {prefix: _queries(client, f"/api/v1/{prefix}/") for prefix in ROUTES}

    assert large == small, (small, large)
    assert max(large.values()) <= MAX_QUERIES, large


def test_every_list_costs_the_same_at_10_and_1000_engagements(office_a, office_b, pm, hq):
    clients = {"pm": api_as(pm), "hq": api_as(hq, name="HQ dashboard")}
    bulk_portfolio(office_a, 5, actor=pm)
    bulk_portfolio(office_b, 5)
    for client in clients.values():  # the token's first use, and Django's caches
        for prefix in ROUTES:
            client.get(f"/api/v1/{prefix}/")
    few = {(who, prefix): _queries(client, f"/api/v1/{prefix}/") for who, client in clients.items() for prefix in ROUTES}
    bulk_portfolio(office_a, 495, actor=pm)
    bulk_portfolio(office_b, 495)
    many = {(who, prefix): _queries(client, f"/api/v1/{prefix}/") for who, client in clients.items() for prefix in ROUTES}

    assert many == few, {key: (few[key], many[key]) for key in few if few[key] != many[key]}
    assert max(many.values()) <= MAX_QUERIES, many


@pytest.mark.parametrize("count", [10, 100])
def test_the_engagement_list_is_bounded_at_10_and_100(office_a, pm, count, django_assert_max_num_queries):
    for _ in range(count):
        SupportActivityFactory(engagement=EngagementFactory(office=office_a))
    client = api_as(pm)
    client.get("/api/v1/offices/")

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/engagements/", {"page_size": 200})

    assert response.json()["count"] == count


def test_the_engagement_detail_is_bounded_whatever_the_history(office_a, pm, engagement, django_assert_max_num_queries):
    SupportActivityFactory(engagement=engagement)
    client = api_as(pm)
    with CaptureQueriesContext(connection) as before:
        client.get(f"/api/v1/engagements/{engagement.pk}/")
    for _ in range(5):
        SupportActivityFactory(engagement=engagement)

    with django_assert_max_num_queries(len(before)):
        assert client.get(f"/api/v1/engagements/{engagement.pk}/").status_code == 200
