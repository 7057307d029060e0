"""The engagement list's filters of the portfolio: risk, stage, recipient category, what needs
attention, decisions taken in a period, dates, sorting; and a bounded number of queries for 10 and
1,000 engagements."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentStatus
from hrddp.models import AuditEntry, Engagement, RecipientCategory, State
from tests.builders import add_measure, approved_support, complete_assessment, complete_plan
from tests.factories import EngagementFactory, RecipientFactory, UserFactory
from tests.portfolio_data import bulk_portfolio, queries_for_10_and_1000

URL = reverse("engagement_list")
MAX_QUERIES = 12


def _listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return list(response.context["page"].object_list)


def test_it_filters_by_assessed_and_residual_risk(client, hq, office_a):
    high = EngagementFactory(office=office_a, state=State.MITIGATION)
    complete_assessment(high, rating="high", status=AssessmentStatus.ENDORSED)
    complete_plan(high, residual="medium")
    unrated = EngagementFactory(office=office_a)

    assert _listed(client, hq, risk="high") == [high]
    assert _listed(client, hq, residual="medium") == [high]
    assert _listed(client, hq, risk="none") == [unrated]


def test_it_filters_by_stage_and_recipient_category(client, hq, office_a):
    closed = EngagementFactory(office=office_a, state=State.CLOSED)
    coast_guard = EngagementFactory(
        office=office_a, state=State.ACTIVE,
        recipient=RecipientFactory(country=office_a.country, category=RecipientCategory.COAST_GUARD),
    )

    assert _listed(client, hq, stage="ended") == [closed]
    assert _listed(client, hq, stage="supported") == [coast_guard]
    assert _listed(client, hq, category=RecipientCategory.COAST_GUARD) == [coast_guard]


def test_it_filters_by_country(client, hq, engagement, engagement_b):
    assert _listed(client, hq, country=engagement_b.office.country) == [engagement_b]


def test_it_lists_engagements_waiting_for_a_decision_too_long(client, pm, office_a, settings):
    settings.HRDDP_DECISION_WAIT_DAYS = 10
    late = EngagementFactory(office=office_a, state=State.APPROVAL)
    EngagementFactory(office=office_a, state=State.APPROVAL)
    Engagement.objects.filter(pk=late.pk).update(state_changed_at=timezone.now() - timedelta(days=11))

    assert _listed(client, pm, overdue="decision") == [late]


def test_it_lists_engagements_overdue_for_reassessment(client, pm, office_a):
    overdue = approved_support(EngagementFactory(office=office_a, state=State.ACTIVE))
    overdue.assessments.update(decided_at=timezone.now() - timedelta(days=400))
    approved_support(EngagementFactory(office=office_a, state=State.ACTIVE))  # endorsed today
    flagged = EngagementFactory(office=office_a, state=State.ACTIVE)
    Engagement.objects.filter(pk=flagged.pk).update(reassessment_flagged_at=timezone.now())

    assert set(_listed(client, pm, overdue="reassessment")) == {overdue, flagged}


def test_it_lists_engagements_with_measures_past_due(client, pm, office_a):
    late = EngagementFactory(office=office_a, state=State.ACTIVE)
    add_measure(late, due_date=timezone.localdate() - timedelta(days=1))
    on_time = EngagementFactory(office=office_a, state=State.ACTIVE)
    add_measure(on_time, due_date=timezone.localdate() + timedelta(days=1))

    assert _listed(client, pm, overdue="measures") == [late]


def test_it_lists_engagements_suspended_in_a_period(client, hq, office_a):
    actor = UserFactory()
    recent = EngagementFactory(office=office_a, state=State.SUSPENDED)
    old = EngagementFactory(office=office_a, state=State.SUSPENDED)
    for engagement, days_ago in ((recent, 5), (old, 400)):
        AuditEntry.objects.create(
            engagement=engagement, actor=actor, action="suspend", from_state=State.INTERCESSION,
            to_state=State.SUSPENDED, justification="Result B.", at=timezone.now() - timedelta(days=days_ago),
        )
    start = (timezone.localdate() - timedelta(days=30)).isoformat()

    assert _listed(client, hq, event="suspend", start=start) == [recent]
    assert set(_listed(client, hq, event="suspend")) == {recent, old}


def test_it_filters_by_the_date_of_the_last_change(client, hq, office_a):
    recent = EngagementFactory(office=office_a)
    old = EngagementFactory(office=office_a)
    Engagement.objects.filter(pk=old.pk).update(state_changed_at=timezone.now() - timedelta(days=100))

    assert _listed(client, hq, start=(timezone.localdate() - timedelta(days=10)).isoformat()) == [recent]
    assert _listed(client, hq, end=(timezone.localdate() - timedelta(days=10)).isoformat()) == [old]


def test_it_refuses_a_period_that_ends_before_it_starts(client, hq, engagement):
    client.force_login(hq)

    response = client.get(URL, {"start": "2026-06-01", "end": "2026-05-01"})

    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


def test_it_sorts_by_a_column_both_ways(client, hq, office_a):
    b = EngagementFactory(office=office_a, title="Bravo")
    a = EngagementFactory(office=office_a, title="Alpha")
    c = EngagementFactory(office=office_a, title="Charlie")

    assert _listed(client, hq, sort="title") == [a, b, c]
    assert _listed(client, hq, sort="-title") == [c, b, a]


def test_the_column_heading_reverses_the_current_sort(client, hq, engagement):
    client.force_login(hq)

    response = client.get(URL, {"sort": "title"})

    title = next(h for h in response.context["headers"] if h["label"] == "Engagement")
    assert title["sorted"] == "ascending"
    assert "sort=-title" in title["url"]


def test_it_pages_through_the_list_keeping_the_filters(client, hq, office_a):
    bulk_portfolio(office_a, 60)
    client.force_login(hq)

    response = client.get(URL, {"state": State.ACTIVE, "page": 2})

    assert len(response.context["page"].object_list) == 10
    assert "state=active&amp;page=1" in response.content.decode()


@pytest.mark.parametrize("params", [{}, {"overdue": "reassessment", "sort": "risk"}, {"stage": "open", "residual": "low"}])
def test_it_runs_the_same_bounded_number_of_queries_for_10_and_1000_engagements(
    client, hq, pm, office_a, office_b, params
):
    few, many = queries_for_10_and_1000(client, [hq, pm], office_a, office_b, URL, params)

    assert few == many
    assert max(many) <= MAX_QUERIES
