"""The quarterly job spread over the workers: beat's run enqueues a task per chunk of engagements
and the roll-up's task after them; each report is made once however often a chunk runs, and the
roll-up is made once, after the reports (tasks run in place in tests, as a worker would run them)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrddp import queue
from hrddp.models import Notification, Reminder
from monitoring import report_tasks as tasks
from monitoring import reports
from monitoring.jobs import job_quarterly_reports_fan_out
from monitoring.models import IndicatorReport, PortfolioReport
from monitoring.quarters import parse_quarter
from tests.test_quarterly_reports import active_engagement, grave

Q3 = parse_quarter("2026-Q3")
RUN_ON = date(2026, 10, 5)


@pytest.fixture
def published(monkeypatch):
    """The names of the tasks sent to the broker, in order (each then runs in place)."""
    sent = []
    real_send = queue._send

    def send(task, args, kwargs):
        sent.append(task.name)
        real_send(task, args, kwargs)

    monkeypatch.setattr(queue, "_send", send)
    return sent


@pytest.fixture
def chunks_of_two(monkeypatch):
    monkeypatch.setattr(reports, "CHUNK_SIZE", 2)


def fan_out(capture, today=RUN_ON):
    with capture(execute=True):
        return job_quarterly_reports_fan_out(today=today)


def _reports():
    return IndicatorReport.objects.filter(quarter_start=Q3.start)


def test_the_fan_out_makes_every_report_once_in_a_task_per_chunk_then_the_roll_up(
    django_capture_on_commit_callbacks, published, chunks_of_two, office_a, office_b, pm, hq
):
    # Given five active engagements in two offices, and chunks of two
    engagements = [active_engagement(office_a) for _ in range(3)] + [active_engagement(office_b) for _ in range(2)]
    grave(engagements[0])

    # When beat's run fans the quarter out
    result = fan_out(django_capture_on_commit_callbacks)

    # Then three chunk tasks were sent, then the roll-up's task (again by the chunk that finished
    # last), and every report exists once
    assert result == {"quarter": "2026-Q3", "chunks": 3, "engagements": 5}
    chunk_name, portfolio_name = tasks.quarterly_report_chunk.name, tasks.quarterly_portfolio.name
    sent = [n for n in published if n in (chunk_name, portfolio_name)]
    assert sent == [chunk_name] * 3 + [portfolio_name] * 2
    assert sorted(_reports().values_list("engagement_id", flat=True)) == sorted(e.pk for e in engagements)
    # And the roll-up was made once, after the last report
    portfolio = PortfolioReport.objects.get(quarter_start=Q3.start)
    assert portfolio.created_at >= max(_reports().values_list("created_at", flat=True))
    # And each report's reminder was delivered once: the PM heard of each of office A's reports once
    assert not Reminder.objects.filter(kind=Reminder.Kind.QUARTERLY_REPORT, sent_at__isnull=True).exists()
    told = Notification.objects.filter(user=pm, kind="report", engagement__isnull=False)
    assert sorted(told.values_list("engagement_id", flat=True)) == sorted(e.pk for e in engagements[:3])
    assert Notification.objects.filter(user=hq, kind="report", engagement__isnull=True).count() == 1


def test_running_the_fan_out_twice_makes_nothing_twice(
    django_capture_on_commit_callbacks, published, chunks_of_two, office_a, pm, hq
):
    # Given three active engagements whose reports the fan-out made
    for _ in range(3):
        active_engagement(office_a)
    fan_out(django_capture_on_commit_callbacks)
    notes = Notification.objects.count()
    published.clear()

    # When it runs again
    again = fan_out(django_capture_on_commit_callbacks)

    # Then no chunk is sent, no report, roll-up or notification is made again
    assert again["chunks"] == 0
    assert tasks.quarterly_report_chunk.name not in published
    assert _reports().count() == 3 and PortfolioReport.objects.count() == 1
    assert Notification.objects.count() == notes


def test_a_chunk_task_delivered_twice_makes_each_report_and_notification_once(
    django_capture_on_commit_callbacks, office_a, pm, com
):
    # Given two active engagements in one chunk
    ids = [active_engagement(office_a).pk for _ in range(2)]

    # When the chunk's message is delivered twice (a worker died before acknowledging it)
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.quarterly_report_chunk.delay("2026-Q3", ids).get()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.quarterly_report_chunk.delay("2026-Q3", ids).get()

    # Then the reports were made by the first delivery only, and each was told once
    assert (first["created"], second["created"]) == (2, 0)
    assert _reports().count() == 2
    for user in (pm, com):
        assert Notification.objects.filter(user=user, kind="report").count() == 2, user


def test_a_report_made_meanwhile_by_another_chunk_is_not_made_again(django_capture_on_commit_callbacks, office_a):
    # Given an engagement whose report another task made after this chunk was enqueued
    engagement = active_engagement(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_chunk_make(quarter=Q3, engagement_ids=[engagement.pk])
    made = _reports().get()

    # When this chunk runs
    result = reports.report_chunk_make(quarter=Q3, engagement_ids=[engagement.pk])

    # Then it makes nothing and the report is the same
    assert result["created"] == 0 and _reports().get() == made


def test_the_chunk_that_completes_the_quarter_starts_the_roll_up(
    django_capture_on_commit_callbacks, published, office_a, hq
):
    # Given two active engagements, one of which has its report
    done, last = active_engagement(office_a), active_engagement(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.quarterly_report_chunk.delay("2026-Q3", [done.pk])

    # Then that chunk did not start the roll-up: a report is missing
    assert tasks.quarterly_portfolio.name not in [n for n in published]

    # When the last chunk runs
    with django_capture_on_commit_callbacks(execute=True):
        tasks.quarterly_report_chunk.delay("2026-Q3", [last.pk])

    # Then it started the roll-up, made once
    assert [n for n in published].count(tasks.quarterly_portfolio.name) == 1
    assert PortfolioReport.objects.count() == 1


def test_the_roll_up_waits_while_a_report_is_missing_and_is_made_once(django_capture_on_commit_callbacks, office_a, hq):
    # Given two active engagements, one of which has its report
    done, waiting = active_engagement(office_a), active_engagement(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_chunk_make(quarter=Q3, engagement_ids=[done.pk])

    # When the roll-up's task checks (a chunk is still running)
    # Then it waits and makes nothing
    assert reports.portfolio_when_done(quarter=Q3, final=False) == "waiting"
    assert not PortfolioReport.objects.exists()

    # When the last report is made and it checks again, and again
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_chunk_make(quarter=Q3, engagement_ids=[waiting.pk])
        outcomes = [reports.portfolio_when_done(quarter=Q3, final=False) for _ in range(2)]

    # Then it is made once, and HQ is told once
    assert outcomes == ["created", "exists"]
    assert PortfolioReport.objects.count() == 1
    assert Notification.objects.filter(user=hq, engagement__isnull=True).count() == 1


def test_after_its_last_poll_the_roll_up_is_made_though_a_report_failed(
    django_capture_on_commit_callbacks, monkeypatch, published, office_a, caplog
):
    # Given two engagements, the rendering of one report failing
    good, broken = active_engagement(office_a), active_engagement(office_a)
    real_html = reports.indicator_report_html

    def html(*, engagement, **kwargs):
        if engagement.pk == broken.pk:
            raise RuntimeError("Pango ran out of fonts")
        return real_html(engagement=engagement, **kwargs)

    monkeypatch.setattr(reports, "indicator_report_html", html)

    # When the fan-out runs (in place: the chunks are done when the roll-up's task runs)
    fan_out(django_capture_on_commit_callbacks)

    # Then the good report and the roll-up exist, and the missing report is logged
    assert list(_reports().values_list("engagement_id", flat=True)) == [good.pk]
    assert PortfolioReport.objects.count() == 1
    assert any(broken.reference in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert any("1 indicator report(s) are missing" in r.getMessage() for r in caplog.records)

    # When the rendering works again and the fan-out runs again
    monkeypatch.setattr(reports, "indicator_report_html", real_html)
    again = fan_out(django_capture_on_commit_callbacks)

    # Then only the missing report's chunk is sent and made; the roll-up stays the one
    assert again["engagements"] == 1 and _reports().count() == 2 and PortfolioReport.objects.count() == 1


def test_run_job_fan_out_enqueues_the_chunks_and_says_so(published, two_active_engagements):
    # When an operator spreads the job over the workers (tasks run in place in tests)
    out = StringIO()
    call_command("run_job", "quarterly_reports", "--date", "2026-10-05", "--fan-out", stdout=out)

    # Then it says how many chunks it enqueued
    assert "'chunks': 1" in out.getvalue() and "'engagements': 2" in out.getvalue()


def test_run_job_refuses_fan_out_for_a_job_that_has_none():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="one process only"):
        call_command("run_job", "outbox", "--fan-out")


@pytest.fixture
def two_active_engagements(office_a):
    return active_engagement(office_a), active_engagement(office_a)


# --- Cost ------------------------------------------------------------------------------------------

# Per report made: is it there already, savepoint, insert, release (as in one process).
PER_REPORT = 4


def _chunk_queries(office, size) -> int:
    engagements = [active_engagement(office) for _ in range(size)]
    for engagement in engagements[::2]:
        grave(engagement)
    ids = [e.pk for e in engagements]
    with CaptureQueriesContext(connection) as captured:
        result = reports.report_chunk_make(quarter=Q3, engagement_ids=ids)
    assert result["created"] == size
    return len(captured.captured_queries)


def test_a_chunk_grows_only_by_the_writes_of_each_report(office_a, office_b):
    # Given a chunk of 2 and a chunk of 8 engagements
    # When each chunk runs (its deliveries left for after the commit)
    few, many = _chunk_queries(office_a, 2), _chunk_queries(office_b, 8)

    # Then the difference is the writes of the 6 extra reports; the rest is the same
    assert many - few == PER_REPORT * (8 - 2)
    assert few <= 12 + PER_REPORT * 2


@pytest.mark.parametrize("size", [3, 12])
def test_the_fan_out_takes_the_same_queries_whatever_the_size(
    office_a, chunks_of_two, django_assert_max_num_queries, size
):
    # Given some active engagements
    for _ in range(size):
        active_engagement(office_a)

    # When the entry point selects and enqueues (the tasks run after the commit)
    # Then a few queries, however many engagements
    with django_assert_max_num_queries(4):
        result = job_quarterly_reports_fan_out(today=RUN_ON)
    assert result["engagements"] == size
