"""The stored quarterly reports of an engagement, newest first, each with its fingerprint and download link."""

from datetime import UTC, date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.urls import reverse

from hrddp.models import Engagement, State
from monitoring.quarters import parse_quarter
from monitoring.reports import indicator_report_create
from tests.factories import EngagementFactory


def approved(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    return Engagement.objects.get(pk=engagement.pk)


def page(client, user, engagement):
    client.force_login(user)
    response = client.get(reverse("indicator_reports", args=[engagement.pk]))
    return response, response.content.decode()


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_it_lists_the_reports_newest_first_for_everyone_who_sees_the_engagement(request, client, engagement, who):
    # Given the reports of Q2 and Q3
    engagement = approved(engagement)
    q2 = indicator_report_create(engagement=engagement, quarter=parse_quarter("2026-Q2"))
    q3 = indicator_report_create(engagement=engagement, quarter=parse_quarter("2026-Q3"))

    # When the page is opened
    response, content = page(client, request.getfixturevalue(who), engagement)

    # Then Q3 comes first, with its fingerprint and download link
    assert response.status_code == 200
    assert [r.pk for r, _ in response.context["reports"]] == [q3.pk, q2.pk]
    assert content.index("2026-Q3") < content.index("2026-Q2")
    assert q3.sha256 in content
    assert reverse("indicator_report_pdf", args=[engagement.pk, q3.pk]) in content


def test_it_lists_only_this_engagements_reports(client, pm, office_a, engagement):
    # Given a report of another engagement of the office
    other = approved(EngagementFactory(office=office_a))
    indicator_report_create(engagement=other, quarter=parse_quarter("2026-Q3"))

    # When this engagement's page is opened
    response, content = page(client, pm, engagement)

    # Then it has none
    assert list(response.context["reports"]) == []
    assert "No report yet" in content


def test_it_returns_404_for_another_offices_engagement(client, outsider, engagement):
    # Given a report of office A's engagement
    engagement = approved(engagement)
    report = indicator_report_create(engagement=engagement, quarter=parse_quarter("2026-Q3"))

    # When a project manager of office B opens the list
    response, content = page(client, outsider, engagement)

    # Then not found
    assert response.status_code == 404
    assert report.sha256 not in content


def test_it_is_read_only(client, hq, engagement):
    # Given HQ on the list
    client.force_login(hq)

    # When they post to it
    # Then it is not a form
    assert client.post(reverse("indicator_reports", args=[engagement.pk])).status_code == 405


def test_it_runs_the_same_number_of_queries_for_1_and_8_reports(client, pm, engagement, django_assert_max_num_queries):
    engagement = approved(engagement)
    indicator_report_create(engagement=engagement, quarter=parse_quarter("2026-Q3"))
    client.force_login(pm)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("indicator_reports", args=[engagement.pk]))
    for label in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"):
        indicator_report_create(engagement=engagement, quarter=parse_quarter(label))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("indicator_reports", args=[engagement.pk]))
    assert len(response.context["reports"]) == 8
    assert date(2024, 1, 1) in {r.quarter_start for r, _ in response.context["reports"]}
