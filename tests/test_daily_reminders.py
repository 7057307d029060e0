"""The daily job: what is due, what is not yet, what is overdue; each reminder once."""

import threading
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as tz

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp.models import Engagement, Notification, Reminder, State
from mitigation.models import MeasureStatus, MitigationMeasure, MitigationPlan
from monitoring.jobs import job_daily_reminders
from monitoring.models import IndicatorMeasurement
from tests.factories import EngagementFactory, ProjectFactory

TODAY = date(2026, 11, 22)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _active(office, *, endorsed_on: date, years: int = 2, approved_on: date | None = None):
    project = ProjectFactory(office=office, start_date=date(2025, 1, 1), end_date=date(2025 + years, 1, 1))
    engagement = EngagementFactory(office=office, project=project, state=State.ACTIVE)
    Engagement.objects.filter(pk=engagement.pk).update(support_approved_at=_at(approved_on or endorsed_on))
    RiskAssessment.objects.create(
        engagement=engagement, version=1, status=AssessmentStatus.ENDORSED, final_rating="medium",
        decided_at=_at(endorsed_on),
    )
    # The last quarter's indicators are in, so only what a test looks at is due.
    IndicatorMeasurement.objects.create(engagement=engagement, quarter_start=date(2026, 7, 1))
    return engagement


def _kinds(engagement):
    return sorted(Reminder.objects.filter(engagement=engagement).values_list("kind", flat=True))


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    # Deliveries are enqueued after commit; run them as a real commit would.
    global _capture
    _capture = django_capture_on_commit_callbacks


def _run(day=TODAY):
    with _capture(execute=True):
        return job_daily_reminders(today=day)


def test_a_reassessment_more_than_30_days_away_is_not_yet_due(office_a, pm):
    engagement = _active(office_a, endorsed_on=TODAY - timedelta(days=300))
    _run()
    assert _kinds(engagement) == []


def test_a_reassessment_due_within_30_days_is_reminded(office_a, pm, com):
    engagement = _active(office_a, endorsed_on=TODAY - timedelta(days=350))
    _run()
    assert _kinds(engagement) == [Reminder.Kind.REASSESSMENT_DUE]
    assert set(Notification.objects.values_list("user__username", flat=True)) == {pm.username, com.username}


def test_an_overdue_reassessment_is_reminded_as_overdue(office_a, pm):
    engagement = _active(office_a, endorsed_on=TODAY - timedelta(days=400))
    _run()
    assert _kinds(engagement) == [Reminder.Kind.REASSESSMENT_OVERDUE]


def test_a_project_of_a_year_or_less_has_no_yearly_reassessment(office_a, pm):
    engagement = _active(office_a, endorsed_on=TODAY - timedelta(days=400), years=1)
    Engagement.objects.filter(pk=engagement.pk).update()
    engagement.project.end_date = engagement.project.start_date + timedelta(days=300)
    engagement.project.save()
    _run()
    assert _kinds(engagement) == []


def test_a_measure_past_its_due_date_is_reminded_until_it_is_in_place(office_a, pm):
    engagement = _active(office_a, endorsed_on=TODAY - timedelta(days=100))
    plan = MitigationPlan.objects.create(engagement=engagement)
    late = MitigationMeasure.objects.create(plan=plan, title="Grievance mechanism", measure_type="monitoring",
                                            due_date=TODAY - timedelta(days=1))
    MitigationMeasure.objects.create(plan=plan, title="Code of conduct", measure_type="sop",
                                     due_date=TODAY - timedelta(days=5), status=MeasureStatus.IN_PLACE)
    MitigationMeasure.objects.create(plan=plan, title="Training", measure_type="standard_setting",
                                     due_date=TODAY + timedelta(days=5))
    _run()
    assert list(Reminder.objects.values_list("subject", flat=True)) == [f"measure:{late.pk}"]


def test_a_decision_waiting_longer_than_the_set_days_is_reminded_to_the_chief_of_mission(office_a, pm, com, settings):
    settings.HRDDP_DECISION_WAIT_DAYS = 10
    waiting = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    fresh = EngagementFactory(office=office_a, state=State.APPROVAL)
    Engagement.objects.filter(pk=waiting.pk).update(state_changed_at=_at(TODAY) - timedelta(days=11))
    Engagement.objects.filter(pk=fresh.pk).update(state_changed_at=_at(TODAY) - timedelta(days=3))

    with _frozen(TODAY):
        _run()

    assert _kinds(waiting) == [Reminder.Kind.DECISION_WAITING]
    assert _kinds(fresh) == []
    assert list(Notification.objects.values_list("user", flat=True)) == [com.pk]


def test_indicators_not_entered_two_weeks_after_the_quarter_are_reminded(office_a, pm):
    engagement = _active(office_a, endorsed_on=date(2026, 1, 10))
    IndicatorMeasurement.objects.filter(engagement=engagement).delete()

    _run(date(2026, 10, 13))  # Q3 ended 30 September: still within the two weeks
    assert _kinds(engagement) == []
    _run(date(2026, 10, 14))
    assert _kinds(engagement) == [Reminder.Kind.INDICATORS_MISSING]
    assert Reminder.objects.get().period == "2026-Q3"


def test_a_suspension_without_a_decision_for_30_days_is_reminded(office_a, pm, com):
    from hrddp.services import audit_record

    forgotten = EngagementFactory(office=office_a, state=State.SUSPENDED)
    reviewed = EngagementFactory(office=office_a, state=State.SUSPENDED)
    with _frozen(TODAY - timedelta(days=31)):
        for engagement in (forgotten, reviewed):
            audit_record(engagement=engagement, actor=com, action="suspend", justification="Suspended.",
                         from_state="intercession", to_state="suspended")
    with _frozen(TODAY - timedelta(days=5)):
        audit_record(engagement=reviewed, actor=com, action="review", justification="Violations continue; kept suspended.")

    with _frozen(TODAY):
        _run()

    assert _kinds(forgotten) == [Reminder.Kind.SUSPENSION_UNREVIEWED]
    assert _kinds(reviewed) == []


def test_running_the_job_twice_sends_each_reminder_once(office_a, pm, com):
    _active(office_a, endorsed_on=TODAY - timedelta(days=400))

    _run()
    _run()

    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 2  # the project manager and the Chief of Mission, once each
    assert len(mail.outbox) == 2


def test_the_management_command_runs_the_job(office_a, pm, capsys):
    _active(office_a, endorsed_on=TODAY - timedelta(days=400))

    call_command("run_job", "daily_reminders", "--date", TODAY.isoformat())

    assert "daily_reminders (2026-11-22)" in capsys.readouterr().out
    assert Reminder.objects.count() == 1


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(office_a, pm, com):
    _active(office_a, endorsed_on=TODAY - timedelta(days=400))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            job_daily_reminders(today=TODAY)  # outside a test transaction: deliveries run at commit
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 2


def _frozen(day):
    import time_machine

    return time_machine.travel(_at(day), tick=False)


@pytest.mark.parametrize("size", [2, 20])
def test_selecting_and_recording_what_is_due_takes_the_same_queries_whatever_the_size(
    office_a, pm, size, django_assert_num_queries
):
    from monitoring.reminders import reminders_due, reminders_record

    for _ in range(size):
        _active(office_a, endorsed_on=TODAY - timedelta(days=400))

    # One query per kind of reminder, one insert, one read of what is undelivered.
    with django_assert_num_queries(7):
        pending = reminders_record(due=reminders_due(today=TODAY))

    assert len(pending) == size
