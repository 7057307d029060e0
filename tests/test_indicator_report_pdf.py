"""The quarterly indicator report as a PDF (T/Box 6): the engagement's identity and the ten indicators
with their values for the quarter and the previous quarters beside them; stored once with its SHA-256.
Read back with pypdf."""

import hashlib
from datetime import UTC, date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from hrddp.models import Engagement, State
from monitoring.indicators import COUNT_LABELS, FIGURE_LABELS
from monitoring.models import Channel, Incident, IndicatorMeasurement, IndicatorReport, VerificationStatus
from monitoring.quarters import parse_quarter
from monitoring.reports import indicator_report_create

Q2, Q3 = parse_quarter("2026-Q2"), parse_quarter("2026-Q3")


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace folded; a line broken after a slash ("misconduct/ violations") rejoined."""
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()).replace("/ ", "/")


def incidents(engagement, day, n, *, channel, grave, status=VerificationStatus.UNVERIFIED):
    for _ in range(n):
        Incident.objects.create(
            engagement=engagement, recipient=engagement.recipient, occurred_on=day, description="Allegation.",
            channel=channel, grave_violation=grave, verification_status=status,
        )


@pytest.fixture
def active(engagement):
    engagement.title = "Community policing in Esse Province"
    engagement.save()
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=datetime(2026, 4, 15, 9, tzinfo=UTC)
    )
    return Engagement.objects.select_related("office", "project", "recipient").get(pk=engagement.pk)


@pytest.fixture
def quarter_data(active):
    """Q3: counts 6, 4, 1, 2, 3 and five figures; Q2: one grave violation and one figure."""
    incidents(active, Q3.start, 2, channel=Channel.PUBLIC_SOURCE, grave=True)
    incidents(active, Q3.end, 3, channel=Channel.INTERNAL_PROTECTION, grave=True)
    incidents(active, date(2026, 8, 1), 1, channel=Channel.UN_MONITORING, grave=True)
    incidents(active, date(2026, 8, 2), 4, channel=Channel.COMMUNITY_REPORT, grave=False)
    incidents(active, date(2026, 8, 3), 1, channel=Channel.GRIEVANCE_MECHANISM, grave=False)
    incidents(active, date(2026, 8, 4), 5, channel=Channel.PUBLIC_SOURCE, grave=True, status=VerificationStatus.UNFOUNDED)
    incidents(active, Q2.end, 1, channel=Channel.UN_MONITORING, grave=True)
    IndicatorMeasurement.objects.create(
        engagement=active, quarter_start=Q3.start, trained_can_describe_pct=Decimal("62.50"),
        beneficiaries_know_grievance_pct=Decimal("48"), units_adopted_regulations=7, self_reports_of_misconduct=9,
        investigations_increase_pct=Decimal("25"), notes="Post-training test of 40 officers; IDP-site survey.",
    )
    IndicatorMeasurement.objects.create(
        engagement=active, quarter_start=Q2.start, trained_can_describe_pct=Decimal("40"),
    )


def test_the_report_contains_the_ten_indicators_with_their_values_beside_the_previous_quarter(active, quarter_data):
    # Given the incidents and figures of Q3 and Q2 (support approved in Q2)
    # When the report of Q3 is made
    report = indicator_report_create(engagement=active, quarter=Q3)

    # Then each of the ten indicators is printed with its Q3 value, then its Q2 value
    text = pdf_text(report.pdf.open("rb").read())
    expected = {
        "grave_violations": "6 1", "beneficiary_reports": "4 0", "grievance_complaints": "1 0",
        "grave_public_source": "2 0", "grave_internal_protection": "3 0",
        "trained_can_describe_pct": "62.5% 40%", "beneficiaries_know_grievance_pct": "48% not entered",
        "units_adopted_regulations": "7 not entered", "self_reports_of_misconduct": "9 not entered",
        "investigations_increase_pct": "+25% not entered",
    }
    labels = {**COUNT_LABELS, **FIGURE_LABELS}
    for number, (key, values) in enumerate(expected.items(), start=1):
        assert f"{number}. {labels[key]} {values}" in text, key
    assert "Indicator 2026-Q3 2026-Q2" in text


def test_the_report_names_the_engagement_the_quarter_and_the_project_managers_notes(active, quarter_data):
    # Given an engagement with figures and notes for Q3
    # When the report of Q3 is made
    report = indicator_report_create(engagement=active, quarter=Q3)

    # Then it says which engagement, office, recipient and quarter, and carries the notes
    text = pdf_text(report.pdf.open("rb").read())
    assert "Quarterly indicator report 2026-Q3" in text
    assert "1 July – 30 September 2026" in text
    assert f"{active.reference} — Community policing in Esse Province" in text
    assert active.recipient.name in text and active.office.name in text and active.project.code in text
    assert "Post-training test of 40 officers; IDP-site survey." in text
    assert "unfounded are not counted" in text


def test_the_report_is_stored_with_the_sha256_of_its_bytes(active, quarter_data):
    # Given an engagement
    # When the report is made
    report = indicator_report_create(engagement=active, quarter=Q3)

    # Then the stored bytes are a PDF whose fingerprint is recorded
    content = report.pdf.open("rb").read()
    assert content.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.quarter_start == Q3.start


def test_making_the_report_again_returns_the_stored_one(active, quarter_data):
    # Given the report of Q3
    first = indicator_report_create(engagement=active, quarter=Q3)
    stored = first.pdf.open("rb").read()

    # When it is made again after a figure changed
    IndicatorMeasurement.objects.filter(quarter_start=Q3.start).update(units_adopted_regulations=99)
    again = indicator_report_create(engagement=active, quarter=Q3)

    # Then it is the same report, unchanged
    assert again.pk == first.pk
    assert IndicatorReport.objects.count() == 1
    assert again.pdf.open("rb").read() == stored


def test_a_quarter_without_figures_says_they_were_not_entered(active):
    # Given no figures and no incidents in Q3
    # When the report is made
    report = indicator_report_create(engagement=active, quarter=Q3)

    # Then counts are zero and the figures "not entered"
    text = pdf_text(report.pdf.open("rb").read())
    assert f"1. {COUNT_LABELS['grave_violations']} 0 0" in text
    assert f"8. {FIGURE_LABELS['units_adopted_regulations']} not entered not entered" in text
    assert "had not entered the figures of 2026-Q3" in text
