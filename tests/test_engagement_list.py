"""The engagement list: who sees which engagements, the filters, and a query
count that does not grow with the number of engagements."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from hrddp.models import State
from tests.factories import EngagementFactory, RecipientFactory

URL = reverse("engagement_list")

# The list may run at most this many queries, whatever the number of engagements
# (session, user, memberships, filter form, count, one page of rows).
MAX_QUERIES = 12


def _listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, set(response.context["page"].object_list)


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, engagement):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/engagements/" in response["Location"]


def test_it_shows_the_project_manager_only_their_offices_engagements(client, pm, engagement, engagement_b):
    response, listed = _listed(client, pm)

    assert listed == {engagement}
    content = response.content.decode()
    assert engagement.reference in content
    assert engagement_b.reference not in content
    assert engagement_b.title not in content


def test_it_shows_the_outsider_only_the_other_offices_engagements(client, outsider, engagement, engagement_b):
    response, listed = _listed(client, outsider)

    assert listed == {engagement_b}
    assert engagement.reference not in response.content.decode()


def test_it_shows_hq_the_engagements_of_both_offices(client, hq, engagement, engagement_b):
    response, listed = _listed(client, hq)

    assert listed == {engagement, engagement_b}
    assert response.context["sees_every_office"] is True


def test_it_shows_the_auditor_the_engagements_of_both_offices(client, auditor, engagement, engagement_b):
    _, listed = _listed(client, auditor)

    assert listed == {engagement, engagement_b}


def test_it_filters_by_state(client, pm, office_a, engagement, engagement_b):
    screening = EngagementFactory(office=office_a, state=State.SCREENING)

    _, listed = _listed(client, pm, state=State.SCREENING)

    assert listed == {screening}


def test_it_filters_by_office_for_hq(client, hq, office_b, engagement, engagement_b):
    _, listed = _listed(client, hq, office=office_b.pk)

    assert listed == {engagement_b}


def test_it_does_not_let_an_office_filter_reveal_another_offices_engagements(
    client, outsider, office_a, engagement, engagement_b
):
    client.force_login(outsider)

    response = client.get(URL, {"office": office_a.pk})

    # The other office is not a choice: the filter is refused and nothing is listed.
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_it_searches_titles_references_and_recipients(client, pm, office_a, engagement_b):
    by_title = EngagementFactory(office=office_a, title="Radios for the coast guard")
    by_recipient = EngagementFactory(office=office_a, recipient=RecipientFactory(name="Harbour Police Unit"))
    other = EngagementFactory(office=office_a, title="Something else")

    assert _listed(client, pm, q="radios")[1] == {by_title}
    assert _listed(client, pm, q="harbour police")[1] == {by_recipient}
    assert _listed(client, pm, q=other.reference)[1] == {other}


def test_it_does_not_let_a_search_reveal_another_offices_engagements(client, pm, engagement, engagement_b):
    _, listed = _listed(client, pm, q=engagement_b.title)

    assert listed == set()


def test_it_shows_the_outsider_an_engagement_shared_with_them(client, outsider, office_a, engagement, engagement_b):
    not_shared = EngagementFactory(office=office_a)
    assign_perm("hrddp.view_engagement", outsider, engagement)

    _, listed = _listed(client, outsider)

    assert listed == {engagement, engagement_b}
    assert not_shared not in listed


def _engagements(office_a, office_b, count):
    # Every engagement has its own recipient and project, so a missing
    # select_related would show up as one query per row.
    for i in range(count):
        EngagementFactory(office=office_a if i % 2 == 0 else office_b)


@pytest.mark.parametrize("count", [5, 200])
def test_it_runs_a_bounded_number_of_queries_for_the_project_manager(
    client, django_assert_max_num_queries, pm, office_a, office_b, count
):
    _engagements(office_a, office_b, count)
    client.force_login(pm)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 200])
def test_it_runs_a_bounded_number_of_queries_for_hq(client, django_assert_max_num_queries, hq, office_a, office_b, count):
    _engagements(office_a, office_b, count)
    client.force_login(hq)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, {"state": State.DRAFT})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)


def test_it_runs_the_same_number_of_queries_for_5_and_for_200_engagements(client, pm, hq, office_a, office_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries(user):
        client.force_login(user)
        client.get(URL)  # the first request of a session settles the session keys
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    _engagements(office_a, office_b, 5)
    few = {user: count_queries(user) for user in (pm, hq)}
    _engagements(office_a, office_b, 195)
    many = {user: count_queries(user) for user in (pm, hq)}

    assert few == many
