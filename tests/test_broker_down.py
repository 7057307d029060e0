"""With the message broker down, the app keeps working, says background work
is delayed, and loses nothing."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from config.celery import app
from hrddp import queue
from hrddp.models import AuditEntry, Reminder, State
from monitoring.jobs import job_daily_reminders
from tests.factories import EngagementFactory, SupportActivityFactory
from tests.test_celery_worker import NOWHERE, _fresh_connections


@pytest.fixture
def broker_down(monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its settings (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", NOWHERE)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(
        broker_url=NOWHERE, task_always_eager=False,
        broker_transport_options=dict(django_settings.NETWORK_BROKER_OPTIONS),
    )
    _fresh_connections()
    monkeypatch.setattr(queue, "_last_failure", 0.0)
    yield
    app.conf.update(saved)
    _fresh_connections()


def test_publishing_never_waits_long_for_the_broker():
    # The settings that keep a request from hanging on a dead broker.
    assert django_settings.CELERY_TASK_PUBLISH_RETRY is False
    assert django_settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 1


@pytest.mark.django_db(transaction=True)
def test_a_step_is_taken_within_two_seconds_and_the_delay_is_shown(broker_down, client, pm, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.DRAFT)
    SupportActivityFactory(engagement=engagement)
    client.force_login(pm)

    started = time.monotonic()
    response = client.post(
        reverse("engagement_transition", args=[engagement.pk, "start_screening"]),
        {"justification": "Ready.", "revision": engagement.revision},
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2, f"the request took {elapsed:.2f} s"
    engagement.refresh_from_db()
    assert engagement.state == State.SCREENING
    assert AuditEntry.objects.filter(engagement=engagement, action="start_screening").exists()
    page = client.get(reverse("engagement_detail", args=[engagement.pk]))
    # the Chief of Mission's notice of the step waits in the database, and the page says so
    assert "Background work is delayed" in page.content.decode()
    assert "1 e-mail is waiting" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_reminders_due_while_the_broker_is_down_wait_in_the_database(broker_down, com, office_a):
    from datetime import timedelta

    from django.utils import timezone

    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    type(engagement).objects.filter(pk=engagement.pk).update(state_changed_at=timezone.now() - timedelta(days=40))

    job_daily_reminders(today=timezone.localdate())

    reminder = Reminder.objects.get(engagement=engagement)
    assert reminder.sent_at is None  # not delivered, not lost
    assert queue.background_delayed()
