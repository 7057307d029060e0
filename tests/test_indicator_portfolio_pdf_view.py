"""Downloading a stored portfolio report (HQ and auditors only)."""

import hashlib
from datetime import UTC, datetime
from datetime import timezone as dt_timezone

import pytest

from hrddp.models import Engagement, State
from monitoring.quarters import parse_quarter
from monitoring.reports import portfolio_report_create, portfolio_report_url


@pytest.fixture
def report(engagement, engagement_b):
    Engagement.objects.filter(pk__in=[engagement.pk, engagement_b.pk]).update(
        state=State.ACTIVE, support_approved_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    return portfolio_report_create(quarter=parse_quarter("2026-Q3"))


@pytest.mark.parametrize("who", ["hq", "auditor"])
def test_it_serves_the_stored_bytes(request, client, report, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(portfolio_report_url(report))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == report.sha256
    assert 'filename="portfolio-2026-Q3.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["pm", "com", "outsider"])
def test_office_staff_are_forbidden_it_since_it_covers_every_office(request, client, report, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(portfolio_report_url(report))

    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF")


def test_hq_is_told_where_to_download_it(hq, report):
    # Given the portfolio report made for Q3 (while its URL is served)
    # Then HQ's notification links to it
    note = hq.notifications.get(kind="report")
    assert note.url == portfolio_report_url(report) != ""
