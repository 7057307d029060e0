"""The table of the ten indicators (T/Box 6): the five counts and the project manager's five
figures of a quarter, with the previous quarters beside them."""

from datetime import UTC, date, datetime, time
from datetime import timezone as dt_timezone
from decimal import Decimal

from hrddp.models import Engagement, State
from monitoring.indicators import COUNT_LABELS, FIGURE_LABELS, indicator_table, indicator_tables
from monitoring.models import Channel, Incident, IndicatorMeasurement
from monitoring.quarters import parse_quarter
from tests.factories import EngagementFactory

Q3 = parse_quarter("2026-Q3")


def approved_on(engagement, day):
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=datetime.combine(day, time(10), tzinfo=UTC)
    )
    return Engagement.objects.get(pk=engagement.pk)


def grave(engagement, day):
    Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient, occurred_on=day, description="Allegation.",
        channel=Channel.PUBLIC_SOURCE, grave_violation=True,
    )


def test_the_table_shows_the_quarter_and_the_three_before_it_newest_first(engagement):
    # Given support approved long ago, incidents in Q1 and Q3, and figures entered for Q2 and Q3
    engagement = approved_on(engagement, date(2025, 3, 1))
    grave(engagement, date(2026, 2, 10))
    grave(engagement, date(2026, 8, 10))
    grave(engagement, date(2026, 8, 11))
    IndicatorMeasurement.objects.create(engagement=engagement, quarter_start=date(2026, 4, 1), trained_can_describe_pct=Decimal("40"))
    IndicatorMeasurement.objects.create(
        engagement=engagement, quarter_start=Q3.start, trained_can_describe_pct=Decimal("62.50"),
        units_adopted_regulations=3, investigations_increase_pct=Decimal("-10"),
    )

    # When the table of Q3 is built
    table = indicator_table(engagement=engagement, quarter=Q3)

    # Then Q3 comes first, then Q2, Q1 and 2025-Q4, each with its own values
    assert [q.label for q in table.quarters] == ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4"]
    assert [c.value for c in table.counts[0].cells] == [2, 0, 1, 0]
    trained = table.figures[0]
    assert [c.text for c in trained.cells] == ["62.5%", "40%", "not entered", "not entered"]
    assert table.value("units_adopted_regulations") == 3
    assert table.figures[4].cells[0].text == "-10%"


def test_the_ten_rows_are_labelled_and_numbered_as_box_6_words_them(engagement):
    # Given an engagement
    # When its table is built
    table = indicator_table(engagement=engagement, quarter=Q3)

    # Then the five counts then the five figures, numbered 1 to 10
    assert [r.label for r in table.rows] == list(COUNT_LABELS.values()) + list(FIGURE_LABELS.values())
    assert [r.number for r in table.rows] == list(range(1, 11))
    assert table.rows[0].label == "Number of incidents of grave human rights violations committed by recipients of IOM support"
    assert table.rows[9].label == (
        "Percentage increase of cases of misconduct/violations investigated by oversight/accountability body"
    )


def test_quarters_that_ended_before_support_was_approved_are_left_out(engagement):
    # Given support approved in the middle of 2026-Q2
    engagement = approved_on(engagement, date(2026, 5, 20))

    # When the table of Q3 is built
    table = indicator_table(engagement=engagement, quarter=Q3)

    # Then it starts from the quarter of the approval
    assert [q.label for q in table.quarters] == ["2026-Q3", "2026-Q2"]
    assert table.support_started == date(2026, 5, 20)


def test_the_tables_of_many_engagements_take_the_same_few_queries(office_a, django_assert_num_queries):
    # Given two and then ten engagements with incidents and figures
    def build(n):
        made = []
        for _ in range(n):
            e = approved_on(EngagementFactory(office=office_a), date(2025, 1, 1))
            grave(e, date(2026, 7, 1))
            IndicatorMeasurement.objects.create(engagement=e, quarter_start=Q3.start, self_reports_of_misconduct=1)
            made.append(e)
        return made

    few, many = build(2), build(10)

    # When their tables are built
    # Then three queries either way: approvals, counts, figures
    with django_assert_num_queries(3):
        indicator_tables(engagements=few, quarter=Q3)
    with django_assert_num_queries(3):
        tables = indicator_tables(engagements=many, quarter=Q3)
    assert all(t.value("grave_violations") == 1 and t.value("self_reports_of_misconduct") == 1 for t in tables.values())
