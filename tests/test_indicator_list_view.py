"""The quarterly indicators page of an engagement: the ten indicators of the current quarter with
the previous quarters beside them, and for the project manager the entry form of the quarter due."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import Engagement, State
from monitoring.indicators import COUNT_LABELS, FIGURE_LABELS, UNFOUNDED_NOTE
from monitoring.models import Channel, Incident, IndicatorMeasurement, VerificationStatus
from monitoring.quarters import quarter_of
from tests.factories import EngagementFactory


def current():
    return quarter_of(timezone.localdate())


def make_active(engagement, days_ago=400):
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=timezone.now() - timedelta(days=days_ago)
    )
    return Engagement.objects.get(pk=engagement.pk)


@pytest.fixture
def active(engagement):
    return make_active(engagement)


def grave(engagement, day, status=VerificationStatus.CORROBORATED):
    Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient, occurred_on=day, description="Allegation.",
        channel=Channel.INTERNAL_PROTECTION, grave_violation=True, verification_status=status,
    )


def page(client, user, engagement):
    client.force_login(user)
    response = client.get(reverse("indicators", args=[engagement.pk]))
    return response, response.content.decode()


def test_it_shows_the_ten_indicators_of_the_current_quarter_beside_the_previous_ones(client, pm, active):
    # Given grave incidents this quarter and last, one found unfounded, and figures entered last quarter
    this, last = current(), current().previous()
    grave(active, this.start)
    grave(active, last.end)
    grave(active, last.start, status=VerificationStatus.UNFOUNDED)
    IndicatorMeasurement.objects.create(
        engagement=active, quarter_start=last.start, beneficiaries_know_grievance_pct=Decimal("55.00")
    )

    # When the project manager opens the page
    response, content = page(client, pm, active)

    # Then the four quarters are columns, newest first, with each indicator's values
    assert response.status_code == 200
    table = response.context["table"]
    assert [q.label for q in table.quarters] == [this.label, last.label, last.previous().label,
                                                 last.previous().previous().label]
    assert table.value("grave_violations", this) == 1 and table.value("grave_violations", last) == 1
    assert table.value("grave_internal_protection", last) == 1
    for label in (*COUNT_LABELS.values(), *FIGURE_LABELS.values()):
        assert label in content.replace("&#x27;", "'")
    assert "55%" in content and "not entered" in content
    assert content.index(this.label) < content.index(last.label)
    # And the page says unfounded incidents are not counted
    assert UNFOUNDED_NOTE in content


def test_the_project_manager_gets_the_entry_form_of_the_last_quarter_when_it_has_no_figures(client, pm, active):
    # Given no figures entered yet
    # When the project manager opens the page
    response, content = page(client, pm, active)

    # Then the form posts the figures of the quarter that ended last
    last = current().previous()
    assert response.context["to_enter"] == last
    assert f'action="{reverse("indicator_entry", args=[active.pk, last.label])}"' in content
    assert 'name="trained_can_describe_pct"' in content
    assert f"Enter figures<span class=\"visually-hidden\"> of {last.label}" in content


def test_once_the_ended_quarters_are_in_the_form_is_for_the_current_one(client, pm, engagement):
    # Given figures entered for every quarter that ended since support was approved
    active = make_active(engagement, days_ago=200)
    approved_on = timezone.localdate(active.support_approved_at)
    q = current().previous()
    while q.end >= approved_on:
        IndicatorMeasurement.objects.create(engagement=active, quarter_start=q.start, self_reports_of_misconduct=0)
        q = q.previous()

    # When the project manager opens the page
    response, content = page(client, pm, active)

    # Then the current quarter is the one to enter, and the entered ones offer "Edit figures"
    assert response.context["to_enter"] == current()
    assert "Edit figures" in content


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_is_read_only_for_those_who_do_not_prepare_the_engagement(request, client, active, who):
    # Given someone who sees the engagement but does not prepare it
    # When they open the page
    response, content = page(client, request.getfixturevalue(who), active)

    # Then the table is there, but no entry form or link
    assert response.status_code == 200
    assert response.context["form"] is None
    assert reverse("indicator_entry", args=[active.pk, current().label]) not in content
    assert 'name="trained_can_describe_pct"' not in content


def test_before_support_is_approved_the_page_says_figures_start_with_the_approval(client, pm, engagement):
    # Given an engagement still being assessed
    # When the project manager opens the page
    response, content = page(client, pm, engagement)

    # Then no entry form, and the page says why
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Support has not been approved yet" in content


def test_the_tab_of_the_indicators_is_marked_current(client, pm, active):
    response, content = page(client, pm, active)

    assert f'<a href="{reverse("indicators", args=[active.pk])}" aria-current="page">Indicators</a>' in content


def test_it_returns_404_for_another_offices_engagement(client, outsider, active):
    # Given a grave incident on office A's engagement
    grave(active, current().start)

    # When a project manager of office B opens its indicators
    response, content = page(client, outsider, active)

    # Then not found, and nothing of it shown
    assert response.status_code == 404
    assert active.reference not in content


QUERIES = 14  # session, user, memberships, permissions (2), engagement, approvals, counts, figures,
# quarters entered, reports, unread notifications (base page), session save; + 1 for the base page's growth


@pytest.mark.parametrize("incidents", [1, 25])
def test_it_runs_the_same_number_of_queries_however_many_incidents_and_figures(
    client, pm, office_a, django_assert_max_num_queries, incidents
):
    # Given an engagement with few or many incidents and figures for every quarter shown
    active = make_active(EngagementFactory(office=office_a))
    for n in range(incidents):
        grave(active, current().start + timedelta(days=n % 28))
        grave(active, current().previous().start + timedelta(days=n % 28))
    q = current()
    for _ in range(4):
        IndicatorMeasurement.objects.create(engagement=active, quarter_start=q.start, self_reports_of_misconduct=2)
        q = q.previous()
    client.force_login(pm)

    # When the page is opened
    # Then the queries do not grow with the rows
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("indicators", args=[active.pk]))
    assert response.status_code == 200
