"""Delivery against real faults: a Redis broker stopped and started again, and a worker killed
(SIGKILL) in the middle of sending an e-mail."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from config.celery import app
from config.schedules import BEAT_SCHEDULE
from hrddp import queue
from hrddp.models import Notification, Role
from hrddp.notify import outbox_sweep
from hrddp.services import engagement_transition
from tests.factories import SupportActivityFactory, user_with_role
from tests.test_celery_worker import _fresh_connections

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class _Redis:
    """A redis-server of the test's own, on a free port, that the test stops and starts."""

    def __init__(self, folder: Path):
        self.port = _free_port()
        self.folder = folder
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _listening(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path, monkeypatch):
    if not any((Path(folder) / "redis-server").exists() for folder in os.environ.get("PATH", "").split(os.pathsep)):
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed; .ci/run needs it.")
        pytest.skip("redis-server is not installed")
    redis = _Redis(tmp_path)
    # Celery reads CELERY_BROKER_URL from the environment before its settings (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(
        broker_url=redis.url, task_always_eager=False,
        broker_transport_options=dict(django_settings.NETWORK_BROKER_OPTIONS),
    )
    _fresh_connections()
    try:
        yield redis
    finally:
        redis.stop()
        app.conf.update(saved)
        _fresh_connections()


@pytest.mark.django_db(transaction=True)
def test_a_step_taken_while_redis_is_stopped_is_emailed_to_everyone_once_redis_is_back(own_redis, pm, com, engagement):
    # given another project manager of the office, and a broker that has gone away
    pm_2 = user_with_role(Role.PROJECT_MANAGER, engagement.office, username="pm2.a")
    SupportActivityFactory(engagement=engagement)
    own_redis.start()
    own_redis.stop()

    # when a step is taken: the publish after commit fails, and is remembered as an outage
    engagement_transition(engagement_id=engagement.pk, name="start_screening", by=pm, justification="New request.")
    assert queue.background_delayed()
    assert mail.outbox == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2

    # and Redis comes back, with a worker, and beat publishes the sweep of the minute
    own_redis.start()
    _fresh_connections()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        job = BEAT_SCHEDULE["deliver-outbox"]
        app.send_task(job["task"], expires=job["options"]["expire_seconds"])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(mail.outbox) < 2:
            time.sleep(0.1)

    # then every colleague has the e-mail, and the notice in the inbox exactly once
    assert sorted(m.to[0] for m in mail.outbox) == sorted([com.email, pm_2.email])
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == sorted(
        [com.username, pm_2.username]
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert outbox_sweep()["emailed"] == 0 and len(mail.outbox) == 2


class HangsAfterAccepting(BaseEmailBackend):
    """A mail server that accepts the message (recorded in a file), after which the worker hangs
    until it is killed."""

    def send_messages(self, messages):
        Path(os.environ["OUTBOX_ACCEPTED"]).write_text("\n".join(m.extra_headers["Message-ID"] for m in messages))
        time.sleep(120)
        return len(messages)


WORKER = """
import django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "tests.test_notification_delivery.HangsAfterAccepting"
from hrddp.notify import outbox_sweep
outbox_sweep()
"""


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a database server (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing_and_repeats_the_email_once(tmp_path, pm, com, engagement):
    # given a step's notice waiting to be e-mailed
    SupportActivityFactory(engagement=engagement)
    queue._last_failure = time.monotonic()  # the broker is down: the e-mail waits for the sweep
    engagement_transition(engagement_id=engagement.pk, name="start_screening", by=pm, justification="New request.")
    note = Notification.objects.get(user=com)
    assert mail.outbox == []

    # when a worker process sweeps, the mail server accepts the message, and the worker is killed
    accepted = tmp_path / "accepted"
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER], cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": _database_url(),
             "OUTBOX_ACCEPTED": str(accepted)},
    )
    try:
        deadline = time.monotonic() + 60
        while not accepted.exists():
            assert worker.poll() is None, "the worker ended before sending"
            assert time.monotonic() < deadline, "the worker never sent"
            time.sleep(0.1)
        # while it hangs holding its claim, another sweep leaves that e-mail alone
        assert outbox_sweep()["emailed"] == 0
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()

    # then the claim died with the worker, and the next sweep sends the e-mail once more, with the same Message-ID
    note.refresh_from_db()
    assert note.emailed_at is None
    deadline = time.monotonic() + 10
    while outbox_sweep()["emailed"] == 0:
        assert time.monotonic() < deadline, "the killed worker's claim was never released"
        time.sleep(0.2)
    assert [m.to for m in mail.outbox] == [[com.email]]
    assert mail.outbox[0].extra_headers["Message-ID"] == accepted.read_text()
    # and nothing more: one repeat in all, one notice in the inbox
    assert outbox_sweep()["emailed"] == 0 and len(mail.outbox) == 1
    assert Notification.objects.filter(user=com).count() == 1
