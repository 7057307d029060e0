"""A real Celery worker, fed through Redis, delivers a reminder."""

import os
import socket
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from kombu import pools

from config.celery import app
from hrddp.models import Notification, Reminder, State
from hrddp.tasks import deliver_reminder
from tests.factories import EngagementFactory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens there: a broker that is down


def _redis_reachable() -> bool:
    host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
        return True
    except OSError:
        return False


def _fresh_connections():
    # The app, and kombu's registry of pools, keep pools for the old broker URL:
    # close them all and let the next publish build new ones.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_worker(settings, monkeypatch):
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it.")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    # Celery reads CELERY_BROKER_URL from the environment before its settings (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False, broker_transport_options={})
    _fresh_connections()
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        _fresh_connections()


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_a_reminder_sent_through_redis(redis_worker, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    engagement.state_changed_at = timezone.now() - timedelta(days=30)
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.DECISION_WAITING, subject=f"engagement:{engagement.pk}", period="test",
        engagement=engagement, detail="Waiting for the Chief of Mission's decision.",
    )

    deliver_reminder.delay(reminder.pk)

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not Notification.objects.filter(reminder=reminder).exists():
        time.sleep(0.2)
    note = Notification.objects.get(reminder=reminder)
    assert note.user == com
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
