"""Downloading a stored quarterly report: the very bytes whose SHA-256 was recorded."""

import hashlib
from datetime import UTC, datetime
from datetime import timezone as dt_timezone

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from hrddp.models import Engagement, State
from monitoring.quarters import parse_quarter
from monitoring.reports import indicator_report_create
from tests.factories import EngagementFactory


@pytest.fixture
def report(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    return indicator_report_create(engagement=Engagement.objects.get(pk=engagement.pk), quarter=parse_quarter("2026-Q3"))


def url(report, engagement_pk=None):
    return reverse("indicator_report_pdf", args=[engagement_pk or report.engagement_id, report.pk])


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_it_serves_the_stored_bytes_as_an_attachment(request, client, report, who):
    # Given a stored report
    client.force_login(request.getfixturevalue(who))

    # When it is downloaded
    response = client.get(url(report))

    # Then the bytes are those stored, with their fingerprint
    content = b"".join(response) if response.streaming else response.content
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == report.sha256 == response["X-Content-SHA256"]
    assert f'attachment; filename="indicators-{report.engagement.reference}-2026-Q3.pdf"' == response["Content-Disposition"]


def test_a_report_of_another_engagement_is_not_found_through_this_one(client, pm, office_a, report):
    # Given another engagement of the same office
    other = EngagementFactory(office=office_a)
    client.force_login(pm)

    # When the report is asked for through it
    # Then not found
    assert client.get(url(report, other.pk)).status_code == 404


def test_a_stored_file_that_no_longer_matches_its_fingerprint_is_not_served(client, pm, report):
    # Given the stored file altered behind the app's back
    storage, name = report.pdf.storage, report.pdf.name
    storage.delete(name)
    storage.save(name, ContentFile(b"%PDF-1.7 tampered"))
    client.force_login(pm)

    # When it is downloaded
    response = client.get(url(report))

    # Then it is refused, saying why
    assert response.status_code == 500
    assert "does not match its recorded fingerprint" in response.content.decode()


def test_it_returns_404_for_another_offices_engagement(client, outsider, report):
    client.force_login(outsider)

    response = client.get(url(report))

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")
