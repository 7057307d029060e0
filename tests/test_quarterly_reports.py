"""The quarterly job (domain.md section 6): for each engagement with support during the quarter that
ended, its indicator report (PDF, stored) sent to the project manager, the Chief of Mission and HQ;
and HQ's portfolio roll-up. Idempotent: each report and each notification once, however often it runs."""

import hashlib
from datetime import UTC, date, datetime
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrddp.models import AuditEntry, Engagement, Notification, Reminder, Role, State
from monitoring import reports
from monitoring.indicators import indicator_tables
from monitoring.models import Channel, Incident, IndicatorReport, PortfolioReport
from monitoring.quarters import parse_quarter
from monitoring.reports import engagements_active_during, reports_for_quarter
from tests.factories import EngagementFactory, user_with_role
from tests.pages import pdf_text

Q3 = parse_quarter("2026-Q3")
RUN_ON = date(2026, 10, 5)  # in Q4: the reports are those of Q3


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def active_engagement(office, *, approved=date(2026, 1, 10), state=State.ACTIVE, changed=None, **fields):
    engagement = EngagementFactory(office=office, **fields)
    Engagement.objects.filter(pk=engagement.pk).update(
        state=state, support_approved_at=at(approved) if approved else None,
        state_changed_at=at(changed or approved or date(2026, 1, 10)),
    )
    return Engagement.objects.get(pk=engagement.pk)


def grave(engagement, day=date(2026, 8, 1)):
    Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient, occurred_on=day, description="Allegation.",
        channel=Channel.PUBLIC_SOURCE, grave_violation=True,
    )


def run(capture, today=RUN_ON):
    """Run the job and what it leaves for after the commit (the deliveries, eager in tests)."""
    with capture(execute=True):
        return reports_for_quarter(today=today)


def notes_of(user, kind=None):
    notes = Notification.objects.filter(user=user)
    return notes.filter(kind=kind) if kind else notes


@pytest.fixture
def two_active(office_a):
    first, second = active_engagement(office_a), active_engagement(office_a)
    grave(first)
    return first, second


def test_running_twice_makes_each_report_once_and_sends_each_notification_once(
    django_capture_on_commit_callbacks, two_active, pm, com, hq, outsider
):
    # Given two active engagements of office A, its PM and COM, and HQ
    first, second = two_active

    # When the job runs, and runs again
    result = run(django_capture_on_commit_callbacks)
    sent_after_first = len(mail.outbox)
    again = run(django_capture_on_commit_callbacks)

    # Then one report per engagement for Q3, and one reminder each, sent
    assert result["quarter"] == "2026-Q3" and result["created"] == 2 and result["failed"] == []
    assert again["created"] == 0 and again["existing"] == 2 and again["to_deliver"] == 0
    assert IndicatorReport.objects.filter(quarter_start=Q3.start).count() == 2
    reminders = Reminder.objects.filter(kind=Reminder.Kind.QUARTERLY_REPORT, period="2026-Q3")
    assert reminders.count() == 2 and not reminders.filter(sent_at__isnull=True).exists()
    # And the PM, the COM and HQ heard of each report once; office B heard nothing
    for user in (pm, com, hq):
        per_engagement = notes_of(user, "report").filter(engagement__isnull=False)
        assert per_engagement.count() == 2, user
        assert {n.engagement_id for n in per_engagement} == {first.pk, second.pk}
    assert not notes_of(outsider).exists()
    # And nobody was e-mailed twice
    assert len(mail.outbox) == sent_after_first > 0


def test_the_notification_says_where_to_download_the_report(django_capture_on_commit_callbacks, two_active, pm):
    # Given two active engagements
    first, _ = two_active

    # When the job runs
    run(django_capture_on_commit_callbacks)

    # Then the project manager's notification links to the stored PDF
    report = IndicatorReport.objects.get(engagement=first)
    note = notes_of(pm).get(engagement=first)
    assert "Quarterly indicator report" in note.title and first.reference in note.title
    assert f"/engagements/{first.pk}/indicators/reports/{report.pk}.pdf" in note.body
    assert "2026-Q3" in note.body


def test_a_failure_for_one_engagement_does_not_stop_the_others_and_the_next_run_makes_it(
    django_capture_on_commit_callbacks, monkeypatch, office_a, pm, caplog
):
    # Given three active engagements, and the rendering of the second's report failing
    first, broken, third = (active_engagement(office_a) for _ in range(3))
    real_html = reports.indicator_report_html

    def html(*, engagement, **kwargs):
        if engagement.pk == broken.pk:
            raise RuntimeError("Pango ran out of fonts")
        return real_html(engagement=engagement, **kwargs)

    monkeypatch.setattr(reports, "indicator_report_html", html)

    # When the job runs
    result = run(django_capture_on_commit_callbacks)

    # Then the others' reports are made and sent, the failure is logged, and no report row exists for it
    assert result["failed"] == [broken.reference] and result["created"] == 2
    assert set(IndicatorReport.objects.values_list("engagement_id", flat=True)) == {first.pk, third.pk}
    assert {n.engagement_id for n in notes_of(pm)} == {first.pk, third.pk}
    assert any(broken.reference in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert PortfolioReport.objects.filter(quarter_start=Q3.start).exists()

    # When the rendering works again and the job runs again
    monkeypatch.setattr(reports, "indicator_report_html", real_html)
    retry = run(django_capture_on_commit_callbacks)

    # Then the missing report is made and sent, and the others are not sent again
    assert retry["created"] == 1 and retry["failed"] == []
    assert IndicatorReport.objects.filter(quarter_start=Q3.start).count() == 3
    assert sorted(n.engagement_id for n in notes_of(pm)) == sorted([first.pk, broken.pk, third.pk])


def test_the_portfolio_report_rolls_up_every_office_and_hq_is_told_once(
    django_capture_on_commit_callbacks, office_a, office_b, pm, hq, auditor
):
    # Given active engagements in two offices, with grave incidents in Q3
    a1, a2 = active_engagement(office_a), active_engagement(office_a)
    b1 = active_engagement(office_b)
    grave(a1)
    grave(a1)
    grave(b1)
    second_hq = user_with_role(Role.HQ_HUMAN_RIGHTS, None, username="hq2")

    # When the job runs twice
    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks)

    # Then one portfolio report, with each office, its engagements, and the totals
    portfolio = PortfolioReport.objects.get(quarter_start=Q3.start)
    content = portfolio.pdf.open("rb").read()
    assert portfolio.sha256 == hashlib.sha256(content).hexdigest()
    text = pdf_text(content)
    assert "Portfolio report 2026-Q3" in text
    for e in (a1, a2, b1):
        assert e.reference in text
    assert "Office A (Darvonia)" in text and "Office B (Meridia)" in text
    assert "Total, 3 engagements 3 0 0 3 0" in text
    # And each HQ member was told once of the portfolio; the PM and the auditor were not
    for user in (hq, second_hq):
        told = notes_of(user, "report").filter(engagement__isnull=True)
        assert told.count() == 1 and told.get().title == "Portfolio report 2026-Q3"
    assert not notes_of(pm, "report").filter(engagement__isnull=True).exists()
    assert not notes_of(auditor, "report").filter(engagement__isnull=True).exists()


def test_the_reports_cover_the_engagements_with_support_during_the_quarter(office_a, office_b):
    # Given engagements in every situation
    during = active_engagement(office_a)
    approved_in_quarter = active_engagement(office_a, approved=date(2026, 9, 30))
    approved_after = active_engagement(office_a, approved=date(2026, 10, 1))
    closed_before = active_engagement(office_a, state=State.CLOSED, changed=date(2026, 6, 30))
    closed_during = active_engagement(office_a, state=State.CLOSED, changed=date(2026, 7, 1))
    suspended = active_engagement(office_a, state=State.SUSPENDED)
    reassessed = active_engagement(office_a, state=State.ASSESSMENT, changed=date(2026, 8, 1))
    never_approved = active_engagement(office_a, approved=None, state=State.ASSESSMENT)
    elsewhere = active_engagement(office_b)
    re_approved = active_engagement(office_a, approved=date(2026, 11, 2))  # approved first in 2025, again later
    AuditEntry.objects.create(
        engagement=re_approved, actor=user_with_role(Role.CHIEF_OF_MISSION, office_a), action="approve_support",
        justification="Approved.", at=at(date(2025, 12, 1)),
    )

    # When the engagements of Q3 are selected
    selected = set(engagements_active_during(Q3))

    # Then those with support at any time during Q3, in every office
    assert selected == {during, approved_in_quarter, closed_during, suspended, reassessed, elsewhere, re_approved}
    assert not selected & {approved_after, closed_before, never_approved}


def test_run_job_quarterly_reports_makes_the_reports_of_the_quarter_that_ended(two_active):
    # Given two active engagements
    out = StringIO()

    # When an operator runs the job as on 5 October 2026
    call_command("run_job", "quarterly_reports", "--date", "2026-10-05", stdout=out)

    # Then the Q3 reports exist and the command says so
    assert IndicatorReport.objects.filter(quarter_start=Q3.start).count() == 2
    assert PortfolioReport.objects.filter(quarter_start=Q3.start).exists()
    assert "quarterly_reports (2026-10-05)" in out.getvalue() and "2026-Q3" in out.getvalue()


def test_a_run_on_the_first_day_of_a_quarter_reports_on_the_one_before(two_active):
    # When the job runs on 1 January 2027
    result = reports_for_quarter(today=date(2027, 1, 1))

    # Then it is about 2026-Q4
    assert result["quarter"] == "2026-Q4"
    assert IndicatorReport.objects.filter(quarter_start=date(2026, 10, 1)).count() == 2


# --- Cost ------------------------------------------------------------------------------------------

# Selecting the engagements, then per batch: approvals, counts, figures.
SELECTION_QUERIES = 4
# Per report made: is it there already, savepoint, insert, release.
PER_REPORT = 4


@pytest.mark.parametrize("size", [2, 10])
def test_selecting_and_counting_take_the_same_queries_for_2_and_10_engagements(
    office_a, django_assert_num_queries, size
):
    # Given some active engagements with incidents
    for _ in range(size):
        grave(active_engagement(office_a))

    # When the job's selection and counting phase runs
    with django_assert_num_queries(SELECTION_QUERIES):
        engagements = list(engagements_active_during(Q3))
        tables = indicator_tables(engagements=engagements, quarter=Q3)

    # Then the same number of queries, whatever the size
    assert len(tables) == size and all(t.value("grave_violations") == 1 for t in tables.values())


def _job_queries(size, office) -> tuple[int, dict]:
    for _ in range(size):
        grave(active_engagement(office))
    with CaptureQueriesContext(connection) as captured:
        result = reports_for_quarter(today=RUN_ON)
    return len(captured.captured_queries), result


def test_the_job_grows_only_by_the_writes_of_each_report(office_a, office_b, hq):
    # Given first 2, then (in another quarter's run) 10 more active engagements
    few_queries, few = _job_queries(2, office_a)
    PortfolioReport.objects.all().delete()
    IndicatorReport.objects.all().delete()
    Reminder.objects.all().delete()
    many_queries, many = _job_queries(10, office_b)

    # Then the difference is exactly the per-report writes of the 10 extra reports
    assert (few["created"], many["created"]) == (2, 12)
    assert many_queries - few_queries == PER_REPORT * (12 - 2)


def test_a_report_made_from_a_prepared_table_takes_only_its_own_writes(office_a, django_assert_num_queries):
    # Given an engagement and its table prepared by the job
    engagement = active_engagement(office_a)
    engagement = Engagement.objects.select_related("office", "project", "recipient").get(pk=engagement.pk)
    table = indicator_tables(engagements=[engagement], quarter=Q3)[engagement.pk]

    # When its report is made
    # Then rendering asks nothing of the database
    with django_assert_num_queries(PER_REPORT):
        reports.indicator_report_create(engagement=engagement, quarter=Q3, table=table)
