"""The five violation counts of the toolkit's Box 6, computed from the incidents of a quarter
by channel and classification, for many engagements and quarters in one query."""

from datetime import date

import pytest

from monitoring.indicators import Counts, indicator_counts
from monitoring.models import Channel, Incident, VerificationStatus
from monitoring.quarters import parse_quarter
from tests.factories import EngagementFactory

Q3 = parse_quarter("2026-Q3")  # 1 July – 30 September 2026


def incident(engagement, day, *, channel=Channel.UN_MONITORING, grave=False, status=VerificationStatus.UNVERIFIED):
    return Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient, occurred_on=day, description="Allegation.",
        channel=channel, grave_violation=grave, verification_status=status,
    )


def counts_of(engagement, quarter=Q3) -> Counts:
    return indicator_counts(engagement_ids=[engagement.pk], quarters=[quarter])[(engagement.pk, quarter.start)]


def test_incidents_on_the_first_and_last_day_count_in_the_quarter_and_those_of_neighbouring_quarters_do_not(
    engagement,
):
    # Given grave incidents on the quarter's first and last days, and on the days either side of it
    incident(engagement, date(2026, 7, 1), grave=True)
    incident(engagement, date(2026, 9, 30), grave=True)
    incident(engagement, date(2026, 6, 30), grave=True)
    incident(engagement, date(2026, 10, 1), grave=True)
    incident(engagement, date(2025, 8, 15), grave=True)  # the same quarter a year earlier

    # When the counts of Q3 and of the quarters either side are computed
    result = indicator_counts(
        engagement_ids=[engagement.pk], quarters=[Q3.previous(), Q3, Q3.next()]
    )

    # Then Q3 counts only its own two, and each neighbour its one
    assert result[(engagement.pk, Q3.start)].grave_violations == 2
    assert result[(engagement.pk, date(2026, 4, 1))].grave_violations == 1
    assert result[(engagement.pk, date(2026, 10, 1))].grave_violations == 1


def test_each_count_takes_the_incidents_of_its_channel_and_classification(engagement):
    # Given incidents of every kind the five counts tell apart
    incident(engagement, date(2026, 7, 2), grave=True, channel=Channel.PUBLIC_SOURCE)
    incident(engagement, date(2026, 7, 3), grave=True, channel=Channel.INTERNAL_PROTECTION)
    incident(engagement, date(2026, 7, 4), grave=True, channel=Channel.INTERNAL_PROTECTION)
    incident(engagement, date(2026, 7, 5), grave=False, channel=Channel.PUBLIC_SOURCE)
    incident(engagement, date(2026, 7, 6), grave=False, channel=Channel.COMMUNITY_REPORT)
    incident(engagement, date(2026, 7, 7), grave=True, channel=Channel.COMMUNITY_REPORT)
    incident(engagement, date(2026, 7, 8), grave=False, channel=Channel.GRIEVANCE_MECHANISM)
    incident(engagement, date(2026, 7, 9), grave=True, channel=Channel.UN_MONITORING)
    incident(engagement, date(2026, 7, 10), grave=False, channel=Channel.SELF_REPORT)

    # When the quarter is counted
    counts = counts_of(engagement)

    # Then
    assert counts == Counts(
        grave_violations=5,  # every grave one, whatever the channel
        beneficiary_reports=2,  # reported by the beneficiary population, grave or not
        grievance_complaints=1,  # through the HRDD grievance mechanism
        grave_public_source=1,  # grave and in public source materials
        grave_internal_protection=2,  # grave and reported internally through protection reporting
    )


def test_unfounded_incidents_are_not_counted(engagement):
    # Given two grave incidents, one found unfounded on verification, and a corroborated community report
    incident(engagement, date(2026, 8, 1), grave=True, status=VerificationStatus.UNFOUNDED)
    incident(engagement, date(2026, 8, 2), grave=True, status=VerificationStatus.BEING_VERIFIED)
    incident(engagement, date(2026, 8, 3), channel=Channel.COMMUNITY_REPORT, status=VerificationStatus.UNFOUNDED)
    incident(engagement, date(2026, 8, 4), channel=Channel.COMMUNITY_REPORT, status=VerificationStatus.CORROBORATED)

    # When the quarter is counted
    counts = counts_of(engagement)

    # Then only the ones not found unfounded count
    assert counts.grave_violations == 1
    assert counts.beneficiary_reports == 1


def test_every_engagement_and_quarter_asked_for_is_in_the_result_even_without_incidents(office_a):
    # Given two engagements, one without any incident
    quiet, busy = EngagementFactory(office=office_a), EngagementFactory(office=office_a)
    incident(busy, date(2026, 9, 1), grave=True)

    # When both are counted for two quarters
    result = indicator_counts(engagement_ids=[quiet.pk, busy.pk], quarters=[Q3, Q3.previous()])

    # Then every pair is there, with zeros where nothing occurred
    assert set(result) == {(e.pk, q.start) for e in (quiet, busy) for q in (Q3, Q3.previous())}
    assert result[(quiet.pk, Q3.start)] == Counts()
    assert result[(busy.pk, Q3.start)].grave_violations == 1
    assert result[(busy.pk, Q3.previous().start)] == Counts()


def test_another_engagements_incidents_are_not_counted(engagement, engagement_b):
    # Given an incident on another office's engagement
    incident(engagement_b, date(2026, 8, 1), grave=True)

    # When this engagement is counted
    # Then nothing
    assert counts_of(engagement) == Counts()


def test_quarters_that_are_not_consecutive_are_counted_without_the_ones_between(engagement):
    # Given incidents in Q1, Q2 and Q3
    for day in (date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1)):
        incident(engagement, day, grave=True)

    # When Q1 and Q3 only are asked for
    result = indicator_counts(engagement_ids=[engagement.pk], quarters=[parse_quarter("2026-Q1"), Q3])

    # Then Q2 is neither counted nor returned
    assert {key[1]: value.grave_violations for key, value in result.items()} == {
        date(2026, 1, 1): 1, date(2026, 7, 1): 1,
    }


@pytest.mark.parametrize("size", [2, 12])
def test_many_engagements_and_quarters_are_counted_in_one_query(office_a, django_assert_num_queries, size):
    # Given engagements with incidents in several quarters
    engagements = [EngagementFactory(office=office_a) for _ in range(size)]
    for e in engagements:
        for day in (date(2026, 1, 5), date(2026, 4, 5), date(2026, 7, 5), date(2026, 9, 30)):
            incident(e, day, grave=True, channel=Channel.PUBLIC_SOURCE)
    quarters = [parse_quarter(label) for label in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")]

    # When every engagement's four quarters are counted
    with django_assert_num_queries(1):
        result = indicator_counts(engagement_ids=[e.pk for e in engagements], quarters=quarters)

    # Then in one query, grouped by engagement and quarter
    assert len(result) == size * 4
    assert all(result[(e.pk, Q3.start)].grave_public_source == 2 for e in engagements)
    assert all(result[(e.pk, date(2026, 10, 1))] == Counts() for e in engagements)
