"""The portfolio dashboard: its numbers match a hand-built portfolio, for HQ (every office) and for an
office's project manager (their office only); each number opens a list that holds exactly that many
records; the page costs the same number of queries for 10 and for 1,000 engagements."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentStatus
from hrddp.models import AuditEntry, Engagement, State
from mitigation.models import MeasureStatus
from monitoring.models import Channel, Incident
from tests.builders import add_measure, approved_support, complete_assessment
from tests.factories import EngagementFactory, UserFactory
from tests.portfolio_data import queries_for_10_and_1000

URL = reverse("dashboard")
MAX_QUERIES = 22


def _incident(engagement, *, days_ago, categories, channel, **fields):
    return Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient,
        occurred_on=timezone.localdate() - timedelta(days=days_ago), description="Reported at the crossing.",
        categories=categories, channel=channel, **fields,
    )


@pytest.fixture
def portfolio(office_a, office_b, engagement_b):
    """Office A: active support (medium, residual low) with two incidents of the period, one older and a
    measure past due; an assessment waiting 20 days for endorsement (rated high); a suspended engagement.
    Office B: active support with one incident and a measure past due."""
    actor = UserFactory()
    active = approved_support(EngagementFactory(office=office_a, state=State.ACTIVE), rating="medium", residual="low")
    waiting = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    complete_assessment(waiting, rating="high", status=AssessmentStatus.SUBMITTED)
    Engagement.objects.filter(pk=waiting.pk).update(state_changed_at=timezone.now() - timedelta(days=20))
    suspended = EngagementFactory(office=office_a, state=State.SUSPENDED)
    AuditEntry.objects.create(
        engagement=suspended, actor=actor, action="suspend", from_state=State.INTERCESSION,
        to_state=State.SUSPENDED, justification="Result B.", at=timezone.now() - timedelta(days=10),
    )
    _incident(active, days_ago=5, categories=["war_crimes"], channel=Channel.COMMUNITY_REPORT)
    _incident(active, days_ago=40, categories=["war_crimes", "pattern"], channel=Channel.UN_MONITORING)
    _incident(active, days_ago=800, categories=["war_crimes"], channel=Channel.UN_MONITORING)
    add_measure(active, title="Vetting of Unit 7", due_date=timezone.localdate() - timedelta(days=3))
    add_measure(active, title="Already in place", due_date=timezone.localdate() - timedelta(days=3), status=MeasureStatus.IN_PLACE)

    Engagement.objects.filter(pk=engagement_b.pk).update(state=State.ACTIVE)
    engagement_b.refresh_from_db()
    approved_support(engagement_b, rating="high", residual="medium")
    _incident(engagement_b, days_ago=2, categories=["refoulement"], channel=Channel.PUBLIC_SOURCE)
    add_measure(engagement_b, title="Monitoring visits", due_date=timezone.localdate() - timedelta(days=1))
    return {"active": active, "waiting": waiting, "suspended": suspended, "b": engagement_b}


def _dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["data"]


def _attention(data):
    return {label: cell.value for label, cell in data.attention}


def _cells(data):
    """Every (number, link) pair the dashboard shows."""
    yield data.total
    yield data.incidents_total
    yield from (cell for _, cell in data.attention)
    for rows in (data.office_rows, data.heat_rows):
        for row in rows:
            yield from row.cells
            yield row.total
    yield from data.by_state.bars
    yield from data.assessed_risk.bars
    for _, cells, total in data.category_rows:
        yield from cells
        yield total
    for column in data.incidents_by_channel.columns:
        yield from column.segments
        yield type("Column", (), {"value": column.total, "url": column.url})
    for _, cell, offices, _ in data.events:
        yield cell
        yield from (c for _, c in offices)
    for stay in data.stays:
        yield type("Stay", (), {"value": stay.waiting_now, "url": stay.url})


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_counts_every_office_for_hq(client, hq, portfolio, office_a, office_b):
    data = _dashboard(client, hq)

    assert data.total.value == 4
    assert {b.label: b.value for b in data.by_state.bars} == {"Awaiting endorsement": 1, "Active": 2, "Suspended": 1}
    assert [row.office for row in data.office_rows] == [office_a, office_b]
    a_row = dict(zip(data.office_columns, [c.value for c in data.office_rows[0].cells]))
    assert a_row == {"Being prepared": 1, "Active": 1, "Intercession": 0, "Suspended": 1, "Ended": 0}
    assert _attention(data) == {
        "Reassessment overdue or flagged": 0,
        "Mitigation measures past due, not in place": 2,
        "Waiting for the Chief of Mission's decision": 1,
    }
    assert data.incidents_total.value == 3
    by_category = {label: total.value for label, _, total in data.category_rows}
    assert by_category["War crimes"] == 2
    assert by_category["Pattern of repeated violations"] == 1
    assert by_category["Refoulement"] == 1
    events = {label: (cell.value, [(o, c.value) for o, c in offices]) for label, cell, offices, _ in data.events}
    assert events["Support suspended"] == (1, [(office_a, 1)])
    assert events["Support ceased"] == (0, [])


def test_it_draws_the_risk_heat_map_of_office_and_residual_risk(client, hq, portfolio):
    data = _dashboard(client, hq)

    heat = {row.office.code: [c.value for c in row.cells] for row in data.heat_rows}
    assert data.risk_columns == ["Low", "Medium", "High", "Not stated"]
    assert heat == {"aaa": [1, 0, 0, 2], "bbb": [0, 1, 0, 0]}
    assert {b.label: b.value for b in data.assessed_risk.bars} == {"Low": 0, "Medium": 1, "High": 2, "Not stated": 1}


def test_it_counts_only_their_office_for_the_project_manager(client, pm, portfolio, office_a):
    data = _dashboard(client, pm)

    assert data.total.value == 3
    assert [row.office for row in data.office_rows] == [office_a]
    assert _attention(data)["Mitigation measures past due, not in place"] == 1
    assert data.incidents_total.value == 2
    assert {label: total.value for label, _, total in data.category_rows}["Refoulement"] == 0


def test_it_shows_the_outsider_nothing_of_office_a(client, outsider, portfolio, office_a):
    data = _dashboard(client, outsider)

    assert data.total.value == 1
    assert office_a not in [row.office for row in data.office_rows]
    assert data.incidents_total.value == 1
    assert portfolio["active"].office.name.encode() not in client.get(URL).content


def test_it_does_not_let_an_office_filter_reveal_another_office(client, outsider, portfolio, office_a):
    client.force_login(outsider)

    response = client.get(URL, {"office": office_a.pk})

    assert response.status_code == 400
    assert response.context["data"].total.value == 1


def test_it_narrows_to_one_office_for_hq(client, hq, portfolio, office_b):
    data = _dashboard(client, hq, office=office_b.pk)

    assert data.total.value == 1
    assert data.incidents_total.value == 1


def test_it_counts_incidents_of_the_chosen_period_only(client, hq, portfolio):
    today = timezone.localdate()

    data = _dashboard(client, hq, start=(today - timedelta(days=900)).isoformat(), end=(today - timedelta(days=700)).isoformat())

    assert data.incidents_total.value == 1
    assert data.events[0][1].value == 0


def test_it_refuses_a_period_that_ends_before_it_starts(client, hq, portfolio):
    client.force_login(hq)

    response = client.get(URL, {"start": "2026-06-01", "end": "2026-05-01"})

    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


def test_it_measures_how_long_endorsements_took(client, hq, portfolio):
    data = _dashboard(client, hq)

    endorsement = next(s for s in data.stays if s.state == State.ENDORSEMENT)
    assert endorsement.waiting_now == 1
    assert endorsement.waiting_longest_days == pytest.approx(20, abs=0.1)


def test_it_times_stays_from_the_audit_trail(client, hq, office_a):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    actor = UserFactory()
    now = timezone.now()
    for days_ago, action, source, target in [
        (30, "submit_assessment", State.ASSESSMENT, State.ENDORSEMENT),
        (26, "return_assessment", State.ENDORSEMENT, State.ASSESSMENT),
        (20, "submit_assessment", State.ASSESSMENT, State.ENDORSEMENT),
        (14, "endorse", State.ENDORSEMENT, State.MITIGATION),
    ]:
        AuditEntry.objects.create(engagement=engagement, actor=actor, action=action, from_state=source,
                                  to_state=target, justification="Recorded.", at=now - timedelta(days=days_ago))

    data = _dashboard(client, hq)

    endorsement = next(s for s in data.stays if s.state == State.ENDORSEMENT)
    assert (endorsement.completed, endorsement.median_days, endorsement.longest_days) == (2, 5.0, 6.0)
    assessment = next(s for s in data.stays if s.state == State.ASSESSMENT)
    assert (assessment.completed, assessment.median_days) == (1, 6.0)


@pytest.mark.parametrize("username", ["hq", "pm"])
def test_every_number_opens_a_list_of_that_many_records(client, hq, pm, portfolio, username):
    user = {"hq": hq, "pm": pm}[username]
    data = _dashboard(client, user)

    checked = 0
    for cell in _cells(data):
        response = client.get(cell.url)
        assert response.status_code == 200, cell.url
        assert response.context["page"].paginator.count == cell.value, cell.url
        checked += 1
    assert checked > 50


def test_it_runs_the_same_number_of_queries_for_10_and_1000_engagements(client, hq, pm, office_a, office_b):
    few, many = queries_for_10_and_1000(client, [hq, pm], office_a, office_b, URL)

    assert few == many
    assert max(many) <= MAX_QUERIES
    assert Engagement.objects.count() == 1000


def test_it_links_to_the_portfolio_report_of_the_same_scope_and_period(client, hq, portfolio, office_a):
    data = _dashboard(client, hq, office=office_a.pk, start="2026-01-01", end="2026-06-30")

    response = client.get(data.scope.report_url)

    assert data.scope.report_url.startswith(reverse("portfolio_period_report"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_it_names_the_offices_where_a_decision_was_taken_most_and_counts_the_others(client, hq):
    from tests.factories import OfficeFactory

    actor = UserFactory()
    for index in range(8):
        office = OfficeFactory(name=f"Office {index}")
        for _ in range(index + 1):
            AuditEntry.objects.create(
                engagement=EngagementFactory(office=office, state=State.SUSPENDED), actor=actor, action="suspend",
                from_state=State.INTERCESSION, to_state=State.SUSPENDED, justification="Result B.",
            )

    data = _dashboard(client, hq)

    label, total, offices, others = data.events[0]
    assert (label, total.value, others) == ("Support suspended", 36, 2)
    assert [(o.name, c.value) for o, c in offices] == [(f"Office {i}", i + 1) for i in range(7, 1, -1)]
