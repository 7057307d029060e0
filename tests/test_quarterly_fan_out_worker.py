"""The quarterly job spread over a real worker fed through the embedded default's broker (message
files in a folder): every report is made once, then the roll-up, with no result backend."""

import time
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from monitoring import reports
from monitoring.jobs import job_quarterly_reports_fan_out
from monitoring.models import IndicatorReport, PortfolioReport
from monitoring.quarters import parse_quarter
from tests.test_celery_worker import _fresh_connections
from tests.test_quarterly_reports import active_engagement

Q3 = parse_quarter("2026-Q3")


@pytest.fixture
def filesystem_worker(tmp_path, monkeypatch):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]), "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]), "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://localhost/")
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(broker_url="filesystem://localhost/", task_always_eager=False, broker_transport_options=options)
    _fresh_connections()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        _fresh_connections()


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_filesystem_broker_makes_every_report_once_then_the_roll_up(
    filesystem_worker, monkeypatch, office_a, hq
):
    # Given three active engagements and chunks of two
    engagements = [active_engagement(office_a) for _ in range(3)]
    monkeypatch.setattr(reports, "CHUNK_SIZE", 2)

    # When beat's run fans the quarter out (outside a transaction: the tasks are sent at once)
    result = job_quarterly_reports_fan_out(today=date(2026, 10, 5))

    # Then the worker makes the two chunks' reports, then the roll-up
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not PortfolioReport.objects.filter(quarter_start=Q3.start).exists():
        time.sleep(0.2)
    assert result["chunks"] == 2
    made = IndicatorReport.objects.filter(quarter_start=Q3.start)
    assert sorted(made.values_list("engagement_id", flat=True)) == sorted(e.pk for e in engagements)
    portfolio = PortfolioReport.objects.get(quarter_start=Q3.start)
    assert portfolio.created_at >= max(made.values_list("created_at", flat=True))
