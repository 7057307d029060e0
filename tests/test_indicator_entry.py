"""Entering the project manager's five mitigation-effectiveness figures of a quarter (T/Box 6):
one record per engagement and quarter, validated, audited as 'enter_indicators'."""

from datetime import UTC, date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import AuditEntry, Engagement, State
from monitoring.indicators import indicator_measurement_enter, quarter_to_enter
from monitoring.models import IndicatorMeasurement
from monitoring.quarters import parse_quarter

Q3 = parse_quarter("2026-Q3")
TODAY = date(2026, 10, 5)
FIGURES = {
    "trained_can_describe_pct": Decimal("62.5"), "beneficiaries_know_grievance_pct": Decimal("40"),
    "units_adopted_regulations": 3, "self_reports_of_misconduct": 1, "investigations_increase_pct": Decimal("25"),
}


@pytest.fixture
def active(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=datetime(2026, 5, 20, 10, tzinfo=UTC)
    )
    return Engagement.objects.get(pk=engagement.pk)


def enter(engagement, by, quarter=Q3, today=TODAY, notes="Post-training test of 40 officers.", **changes):
    return indicator_measurement_enter(
        engagement=engagement, quarter=quarter, figures={**FIGURES, **changes}, notes=notes, by=by, today=today,
    )


def test_the_project_manager_enters_the_figures_of_a_quarter_and_it_is_audited(active, pm):
    # Given an active engagement
    # When its project manager enters the figures of Q3
    measurement = enter(active, pm)

    # Then they are stored for that quarter and the entry is audited
    stored = IndicatorMeasurement.objects.get(engagement=active, quarter_start=Q3.start)
    assert stored.pk == measurement.pk
    assert (stored.trained_can_describe_pct, stored.units_adopted_regulations) == (Decimal("62.50"), 3)
    assert stored.entered_by == pm and stored.notes == "Post-training test of 40 officers."
    entry = AuditEntry.objects.get(engagement=active, action="enter_indicators")
    assert entry.actor == pm
    assert "2026-Q3" in entry.justification
    assert entry.details["quarter"] == "2026-Q3"
    assert entry.details["figures"]["trained_can_describe_pct"] == "62.50"


def test_entering_the_same_quarter_again_updates_it_and_the_audit_keeps_both(active, pm):
    # Given figures entered for Q3
    first = enter(active, pm)

    # When the project manager enters Q3 again with another figure
    second = enter(active, pm, self_reports_of_misconduct=4)

    # Then the same record is updated, and the second audit entry says what changed
    assert second.pk == first.pk
    assert IndicatorMeasurement.objects.filter(engagement=active).count() == 1
    assert IndicatorMeasurement.objects.get(pk=first.pk).self_reports_of_misconduct == 4
    entries = list(AuditEntry.objects.filter(action="enter_indicators").order_by("pk"))
    assert len(entries) == 2
    assert entries[1].details["previous"]["self_reports_of_misconduct"] == "1"
    assert entries[1].details["changed"] == ["self_reports_of_misconduct"]


@pytest.mark.parametrize("field, value", [
    ("trained_can_describe_pct", Decimal("100.5")),
    ("beneficiaries_know_grievance_pct", Decimal("-1")),
    ("units_adopted_regulations", -1),
    ("self_reports_of_misconduct", -3),
    ("investigations_increase_pct", Decimal("-120")),
])
def test_a_figure_out_of_range_is_refused_and_nothing_is_saved(active, pm, field, value):
    # Given an active engagement
    # When a figure out of its range is entered
    with pytest.raises(ValidationError) as refused:
        enter(active, pm, **{field: value})

    # Then it is refused on that figure, and nothing is written
    assert field in refused.value.message_dict
    assert not IndicatorMeasurement.objects.exists()
    assert not AuditEntry.objects.filter(action="enter_indicators").exists()


def test_a_rise_of_more_than_100_percent_is_a_valid_increase(active, pm):
    # Given an active engagement
    # When investigations tripled (+200%)
    measurement = enter(active, pm, investigations_increase_pct=Decimal("200"))

    # Then it is recorded
    assert measurement.investigations_increase_pct == Decimal("200")


def test_an_entry_with_no_figure_and_no_note_is_refused(active, pm):
    # Given an active engagement
    # When nothing is entered
    with pytest.raises(ValidationError) as refused:
        indicator_measurement_enter(
            engagement=active, quarter=Q3, figures={}, notes="  ", by=pm, today=TODAY,
        )

    # Then the entry is refused
    assert "at least one figure" in " ".join(refused.value.messages)
    assert not IndicatorMeasurement.objects.exists()


@pytest.mark.parametrize("label, today, reason", [
    ("2026-Q4", date(2026, 9, 30), "has not started"),
    ("2026-Q1", TODAY, "before support was approved"),
])
def test_a_quarter_not_yet_started_or_before_support_is_refused(active, pm, label, today, reason):
    # Given support approved on 20 May 2026
    # When figures are entered for a quarter not started yet, or one that ended before the approval
    with pytest.raises(ValidationError) as refused:
        enter(active, pm, quarter=parse_quarter(label), today=today)

    # Then it is refused, saying why
    assert reason in " ".join(refused.value.messages)
    assert not IndicatorMeasurement.objects.exists()


def test_the_quarter_of_the_approval_and_the_current_quarter_are_open(active, pm):
    # Given support approved on 20 May 2026 (in Q2)
    # When figures are entered for Q2 and, on 5 October, for the just-started Q4
    enter(active, pm, quarter=parse_quarter("2026-Q2"))
    enter(active, pm, quarter=parse_quarter("2026-Q4"))

    # Then both are recorded
    assert IndicatorMeasurement.objects.filter(engagement=active).count() == 2


def test_an_engagement_whose_support_was_never_approved_takes_no_figures(engagement, pm):
    # Given an engagement still at the assessment stage
    # When figures are entered
    with pytest.raises(ValidationError) as refused:
        enter(engagement, pm)

    # Then it is refused
    assert "not been approved" in " ".join(refused.value.messages)


@pytest.mark.parametrize("who", ["com", "hq", "auditor", "outsider"])
def test_only_the_project_manager_of_the_office_enters_figures(request, active, who):
    # Given an active engagement of office A
    # When anyone but its project manager enters figures
    with pytest.raises(PermissionDenied):
        enter(active, request.getfixturevalue(who))

    # Then nothing is written
    assert not IndicatorMeasurement.objects.exists()


def test_the_quarter_to_enter_is_the_latest_ended_quarter_without_figures_then_the_current_one(active):
    # Given support approved on 20 May 2026, and it is 5 October 2026
    started = date(2026, 5, 20)

    # When nothing was entered, then Q3, then Q3 and Q4
    # Then Q3 is due first, then Q4 (in progress), then nothing; Q2 only if Q3 and Q4 are in
    assert quarter_to_enter(engagement=active, started=started, entered=set(), today=TODAY).label == "2026-Q3"
    assert quarter_to_enter(engagement=active, started=started, entered={Q3.start}, today=TODAY).label == "2026-Q2"
    assert quarter_to_enter(
        engagement=active, started=started, entered={Q3.start, date(2026, 4, 1)}, today=TODAY
    ).label == "2026-Q4"
    every = {date(2026, 4, 1), Q3.start, date(2026, 10, 1)}
    assert quarter_to_enter(engagement=active, started=started, entered=every, today=TODAY) is None
