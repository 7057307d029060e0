"""Every periodic job names a task the worker knows, and the staged-import purge runs through it."""

from config.celery import app
from config.schedules import BEAT_SCHEDULE


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()

    assert {job["task"] for job in BEAT_SCHEDULE.values()} <= set(app.tasks)


def test_the_purge_job_deletes_staged_imports_nobody_confirmed(db, monkeypatch):
    from imports import tasks

    called = {}
    monkeypatch.setattr(tasks, "staged_files_purge", lambda: called.setdefault("purged", 3))

    assert tasks.purge_staged_imports.delay().get() == 3
    assert called == {"purged": 3}
