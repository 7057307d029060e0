"""HQ's list of quarterly portfolio reports."""

from datetime import UTC, datetime
from datetime import timezone as dt_timezone

import pytest
from django.urls import reverse

from hrddp.models import Engagement, State
from monitoring.quarters import parse_quarter
from monitoring.reports import portfolio_report_create, portfolio_report_url


@pytest.fixture
def reports(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    return [portfolio_report_create(quarter=parse_quarter(label)) for label in ("2026-Q2", "2026-Q3")]


@pytest.mark.parametrize("who", ["hq", "auditor"])
def test_hq_and_auditors_see_the_portfolio_reports_newest_first(request, client, reports, who):
    # Given two portfolio reports
    client.force_login(request.getfixturevalue(who))

    # When the list is opened
    response = client.get(reverse("portfolio_reports"))

    # Then Q3 first, with a download link each
    assert response.status_code == 200
    assert [r.quarter_start for r, _ in response.context["reports"]] == [r.quarter_start for r in reversed(reports)]
    content = response.content.decode()
    for report in reports:
        assert portfolio_report_url(report) in content


@pytest.mark.parametrize("who", ["pm", "com", "outsider"])
def test_office_staff_are_forbidden_the_portfolio(request, client, reports, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("portfolio_reports")).status_code == 403
