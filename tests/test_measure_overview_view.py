"""The list of mitigation measures across engagements: scoped, filtered (past due, type, status),
sorted, and a bounded number of queries for 10 and 1,000 engagements."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hrddp.models import Engagement, State
from mitigation.models import MeasureStatus, MeasureType
from tests.builders import add_measure
from tests.portfolio_data import queries_for_10_and_1000

URL = reverse("measure_overview")
MAX_QUERIES = 12


def _listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, list(response.context["page"].object_list)


def _active(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(state=State.ACTIVE)
    engagement.refresh_from_db()
    return engagement


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_it_shows_the_project_manager_only_their_offices_measures(client, pm, engagement, engagement_b):
    mine = add_measure(engagement, title="Vetting of Unit 7")
    add_measure(engagement_b, title="Meridia radio training")

    response, listed = _listed(client, pm)

    assert listed == [mine]
    assert "Meridia radio training" not in response.content.decode()


def test_it_shows_the_outsider_none_of_office_a(client, outsider, engagement, engagement_b):
    add_measure(engagement)
    theirs = add_measure(engagement_b)

    assert _listed(client, outsider)[1] == [theirs]


def test_it_lists_measures_past_due_and_not_in_place(client, hq, engagement):
    _active(engagement)
    yesterday = timezone.localdate() - timedelta(days=1)
    late = add_measure(engagement, title="Late", due_date=yesterday)
    add_measure(engagement, title="Done", due_date=yesterday, status=MeasureStatus.IN_PLACE)
    add_measure(engagement, title="Dropped", due_date=yesterday, status=MeasureStatus.DROPPED)
    add_measure(engagement, title="Later", due_date=timezone.localdate() + timedelta(days=5))

    response, listed = _listed(client, hq, overdue="yes")

    assert listed == [late]
    assert "past due" in response.content.decode()


def test_it_filters_by_type_status_and_due_date(client, hq, engagement):
    vetting = add_measure(engagement, measure_type=MeasureType.SCREENING_EXCLUSION, due_date=timezone.localdate())
    sop = add_measure(engagement, measure_type=MeasureType.SOP, status=MeasureStatus.IN_PROGRESS)

    assert _listed(client, hq, measure_type=MeasureType.SCREENING_EXCLUSION)[1] == [vetting]
    assert _listed(client, hq, status=MeasureStatus.IN_PROGRESS)[1] == [sop]
    assert _listed(client, hq, start=timezone.localdate().isoformat())[1] == [vetting]


def test_it_sorts_by_due_date_both_ways(client, hq, engagement):
    soon = add_measure(engagement, due_date=timezone.localdate())
    later = add_measure(engagement, due_date=timezone.localdate() + timedelta(days=9))

    assert _listed(client, hq, sort="due")[1] == [soon, later]
    assert _listed(client, hq, sort="-due")[1] == [later, soon]


def test_it_runs_the_same_bounded_number_of_queries_for_10_and_1000_engagements(client, hq, pm, office_a, office_b):
    few, many = queries_for_10_and_1000(client, [hq, pm], office_a, office_b, URL, {"overdue": "yes"})

    assert few == many
    assert max(many) <= MAX_QUERIES


def test_it_sorts_measures_without_a_due_date_last_either_way(client, hq, engagement):
    undated = add_measure(engagement, title="No date yet")
    soon = add_measure(engagement, due_date=timezone.localdate())

    assert _listed(client, hq, sort="due")[1] == [soon, undated]
    assert _listed(client, hq, sort="-due")[1] == [soon, undated]


def test_it_marks_past_due_only_what_the_past_due_filter_lists(client, hq, engagement):
    # A draft engagement's plan is not yet watched: its late measure is not "past due".
    add_measure(engagement, title="Late but not watched", due_date=timezone.localdate() - timedelta(days=1))

    response, listed = _listed(client, hq)

    assert [m.past_due for m in listed] == [False]
    assert "past due</strong>" not in response.content.decode()
    assert _listed(client, hq, overdue="yes")[1] == []
