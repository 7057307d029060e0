"""Every notice is a row written with the decision that produced it (the outbox); its e-mail goes
out after commit, or by the sweep every minute when that failed — once per notification and user."""

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.schedules import BEAT_SCHEDULE
from hrddp import notify as notify_module
from hrddp import queue
from hrddp.models import AuditEntry, Notification, Reminder, Role, State
from hrddp.notices import step_notices_create, transition_notice_send
from hrddp.notify import notification_message_id, notify, outbox_sweep, reminder_deliver
from hrddp.services import engagement_transition
from monitoring.jobs import job_daily_reminders
from tests.factories import EngagementFactory, SupportActivityFactory, user_with_role
from tests.test_broker_down import broker_down  # noqa: F401 - fixture


def _step(engagement, by, name="start_screening", justification="New request."):
    SupportActivityFactory(engagement=engagement)
    return engagement_transition(engagement_id=engagement.pk, name=name, by=by, justification=justification)


def _notes(**filters):
    return list(Notification.objects.filter(**filters).order_by("user_id").values_list("user__username", "dedupe_key"))


def _pending(users, count, *, prefix="test"):
    for i in range(count):
        user = users[i % len(users)]
        Notification.objects.create(user=user, kind="reminder", title=f"Note {i}", dedupe_key=f"{prefix}:{i}:{user.pk}")


@pytest.fixture
def pm_2(office_a):
    return user_with_role(Role.PROJECT_MANAGER, office_a, username="pm2.a")


# --- Written with the decision ----------------------------------------------------------------------


def test_a_step_writes_a_notice_in_the_inbox_of_each_colleague_of_the_office(pm, pm_2, com, outsider, engagement):
    # given a colleague of office A with no e-mail address (who never heard of steps by e-mail)
    silent = user_with_role(Role.CHIEF_OF_MISSION, engagement.office, username="com2.a", email="")

    # when the project manager takes a step
    _step(engagement, pm)

    # then the other project manager and the Chief of Mission have it in their inbox, keyed by the step;
    # the actor, the colleague without an address and the other office do not
    entry = AuditEntry.objects.get(engagement=engagement, action="start_screening")
    assert _notes(kind=Notification.Kind.STEP) == [
        (pm_2.username, f"step:{entry.pk}:{pm_2.pk}"), (com.username, f"step:{entry.pk}:{com.pk}"),
    ]
    note = Notification.objects.get(user=com)
    assert note.engagement == engagement
    assert note.url == reverse("engagement_detail", args=[engagement.pk])
    assert "New request." in note.body
    assert not Notification.objects.filter(user__in=[pm, silent, outsider]).exists()


def test_a_refused_step_writes_no_notice(outsider, com, engagement):
    # when someone of another office tries a step, it is refused
    with pytest.raises(PermissionDenied):
        _step(engagement, outsider)

    # then nobody hears of a step that was not taken
    assert not Notification.objects.exists()


def test_the_notice_is_written_before_the_transaction_commits_and_emailed_after(
    pm, com, engagement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _step(engagement, pm)

    # the row is there with the step; the e-mail waits for the commit
    assert Notification.objects.filter(user=com, kind=Notification.Kind.STEP, emailed_at__isnull=True).exists()
    assert mail.outbox == [] and len(callbacks) == 1

    callbacks[0]()

    assert [m.to for m in mail.outbox] == [[com.email]]
    assert Notification.objects.get(user=com).emailed_at is not None


# --- Written once, whatever runs twice -------------------------------------------------------------


def test_writing_a_steps_notices_twice_gives_one_inbox_entry_per_user(
    pm, pm_2, com, engagement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _step(engagement, pm)
    entry = AuditEntry.objects.get(engagement=engagement, action="start_screening")

    # when the notices are written again, and the task of before runs for the same step
    with django_capture_on_commit_callbacks(execute=True):
        step_notices_create(entry=entry)
    assert transition_notice_send(audit_entry_id=entry.pk) == 0

    # then each colleague has one notice and one e-mail
    assert Notification.objects.filter(user=com).count() == 1
    assert Notification.objects.filter(user=pm_2).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([com.email, pm_2.email])


def test_delivering_the_same_reminder_twice_gives_one_inbox_entry_per_user(pm, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.ACTIVE)
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.SUSPENSION_UNREVIEWED, subject=f"engagement:{engagement.pk}", period="test",
        engagement=engagement, detail="Not reviewed.",
    )
    assert reminder_deliver(reminder_id=reminder.pk)

    # when its delivery runs again as if the first had never been recorded (a retried task)
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=None)
    assert reminder_deliver(reminder_id=reminder.pk)

    # then the project manager and the Chief of Mission have it once each
    assert _notes(reminder=reminder) == [
        (pm.username, f"reminder:{reminder.pk}:{pm.pk}"), (com.username, f"reminder:{reminder.pk}:{com.pk}"),
    ]


def test_notify_with_the_same_key_adds_nothing_the_second_time(pm, com):
    notify([pm, com], key="report:portfolio:1", kind="report", title="Portfolio report")
    notify([pm, com], key="report:portfolio:1", kind="report", title="Portfolio report")

    assert Notification.objects.count() == 2


# --- The sweep: what the fast path did not send ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_step_taken_while_the_broker_is_down_is_emailed_by_the_sweep(broker_down, pm, pm_2, com, engagement):
    # given a step taken while the broker cannot be reached
    _step(engagement, pm)
    assert queue.background_delayed()
    assert mail.outbox == []

    # when the sweep runs (beat, once the broker is back)
    done = outbox_sweep()

    # then every colleague has the e-mail, once, and the notice in the inbox, once
    assert done["emailed"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([com.email, pm_2.email])
    assert Notification.objects.filter(kind=Notification.Kind.STEP).count() == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert outbox_sweep()["emailed"] == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_a_reminder_held_back_by_the_broker_is_delivered_by_the_sweep(broker_down, pm, com, office_a):
    # given a decision waiting too long, found by the daily job while the broker is down
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    type(engagement).objects.filter(pk=engagement.pk).update(state_changed_at=timezone.now() - timedelta(days=40))
    job_daily_reminders(today=timezone.localdate())
    reminder = Reminder.objects.get(engagement=engagement)
    assert reminder.sent_at is None

    # when the sweep runs
    done = outbox_sweep()

    # then the Chief of Mission has it in the inbox and by e-mail
    assert done == {"reminders": 1, "emailed": 1, "more": False}
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert _notes(reminder=reminder) == [(com.username, f"reminder:{reminder.pk}:{com.pk}")]
    assert [m.to for m in mail.outbox] == [[com.email]]


def test_the_sweep_sends_the_oldest_first_in_bounded_batches(pm, com):
    _pending([pm, com], 5)
    Notification.objects.filter(dedupe_key__startswith="test:4:").update(created_at=timezone.now() - timedelta(hours=1))

    done = notify_module.notifications_email_pending(limit=2)

    assert done["emailed"] == 2 and done["more"] is True
    assert [m.subject for m in mail.outbox] == ["[HRDDP] Note 4", "[HRDDP] Note 0"]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def _statements(queries) -> int:
    return sum(not q["sql"].startswith(TRANSACTION_CONTROL) for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [5, 50])
def test_the_sweep_reads_its_batch_at_once_and_writes_one_claim_per_email(
    pm, com, count, django_assert_max_num_queries
):
    # given e-mails waiting for two users (outside a test transaction, so each claim is a real commit)
    _pending([pm, com], count)

    # then the sweep reads the reminders and the batch with its users once, and each e-mail costs one
    # statement, its claim, in a transaction of its own (BEGIN, UPDATE, COMMIT): that commit per e-mail
    # is what lets a crash repeat at most the one e-mail in flight
    with django_assert_max_num_queries(2 + 3 * count) as queries:
        assert outbox_sweep()["emailed"] == count
    assert _statements(queries) == 2 + count
    assert len(mail.outbox) == count


@pytest.mark.django_db(transaction=True)
def test_a_backlog_larger_than_a_batch_costs_one_batch_of_queries_per_run(pm, com, django_assert_max_num_queries):
    _pending([pm, com], 50)

    with django_assert_max_num_queries(2 + 3 * 20):
        done = outbox_sweep(limit=20)

    assert done["emailed"] == 20 and done["more"] is True
    assert notify_module.outbox_drain(seconds=30) == {"reminders": 0, "emailed": 30}


def test_the_sweep_runs_every_minute_through_a_registered_task():
    from config.celery import app

    job = BEAT_SCHEDULE["deliver-outbox"]
    assert job["task"] == "hrddp.tasks.deliver_outbox" and job["task"] in app.tasks
    assert str(job["schedule"]._orig_minute) == "*"


def test_beats_database_scheduler_sends_the_sweep_with_its_expiry(db):
    from django_celery_beat.schedulers import ModelEntry

    from config.celery import app

    entry = ModelEntry.from_entry("deliver-outbox", app=app, **BEAT_SCHEDULE["deliver-outbox"])

    assert entry.task == "hrddp.tasks.deliver_outbox"
    assert entry.options["expires"] == 55


def test_the_sweep_task_delivers_what_waits(pm, com):
    from hrddp.tasks import deliver_outbox

    _pending([pm, com], 3)

    assert deliver_outbox.delay().get() == {"reminders": 0, "emailed": 3}


# --- Each e-mail: its key in its headers, its failures ----------------------------------------------


def test_the_email_carries_the_notifications_key(pm, com, engagement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _step(engagement, pm)
    note = Notification.objects.get(user=com)

    message = mail.outbox[0]

    assert message.extra_headers["X-HRDDP-Notification"] == note.dedupe_key
    assert message.extra_headers["Message-ID"] == notification_message_id(note.dedupe_key)
    entry_id, user_id = note.dedupe_key.split(":")[1:]
    assert message.message()["Message-ID"].startswith(f"<hrddp.step.{entry_id}.{user_id}@")
    assert message.message()["X-HRDDP-Notification"] == note.dedupe_key


def test_a_notification_for_someone_without_an_address_is_settled_without_an_email(pm):
    pm.email = ""
    pm.save()
    _pending([pm], 1)

    assert outbox_sweep()["emailed"] == 1  # settled: nothing more to send

    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is not None


class _Refusing(EmailBackend):
    """A mail server that refuses one recipient."""

    def send_messages(self, messages):
        if any(m.to == ["com.a@example.org"] for m in messages):
            raise smtplib.SMTPRecipientsRefused({"com.a@example.org": (550, b"No such user")})
        return super().send_messages(messages)


class _Unreachable(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_refused_email_waits_backing_off_and_the_others_go(settings, pm, com):
    settings.EMAIL_BACKEND = f"{__name__}._Refusing"
    _pending([com, pm], 2)

    done = outbox_sweep()

    # the project manager's went; the Chief of Mission's waits, with why, tried again later
    assert done["emailed"] == 1 and [m.to for m in mail.outbox] == [[pm.email]]
    refused = Notification.objects.get(user=com)
    assert refused.emailed_at is None and refused.email_attempts == 1
    assert "SMTPRecipientsRefused" in refused.email_error
    assert refused.email_retry_at > timezone.now()
    assert outbox_sweep()["emailed"] == 0  # not before its time

    # when its time has come and the server takes it
    Notification.objects.filter(pk=refused.pk).update(email_retry_at=timezone.now())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert outbox_sweep()["emailed"] == 1
    assert [m.to for m in mail.outbox] == [[pm.email], [com.email]]


def test_an_unreachable_mail_server_stops_the_run_and_loses_nothing(settings, pm, com):
    settings.EMAIL_BACKEND = f"{__name__}._Unreachable"
    _pending([pm, com], 4)

    done = outbox_sweep()

    assert done == {"reminders": 0, "emailed": 0, "more": False}
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 4
    attempts = Notification.objects.order_by("created_at", "pk").values_list("email_attempts", flat=True)
    assert list(attempts) == [1, 0, 0, 0]  # the first one tried, the rest left for the next run


class _Killed(BaseException):
    """The process ends here: nothing after it runs, not even the commit."""


class _DiesAfterSending(EmailBackend):
    """The mail server accepts the message, then the worker dies before the claim commits."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise _Killed()


def test_a_worker_dying_mid_send_leaves_the_email_to_the_next_sweep_which_sends_it_once_more(
    settings, pm, com, engagement, django_capture_on_commit_callbacks
):
    # given a step's notice whose e-mail was being sent when the worker died
    settings.EMAIL_BACKEND = f"{__name__}._DiesAfterSending"
    with pytest.raises(_Killed):
        with django_capture_on_commit_callbacks(execute=True):
            _step(engagement, pm)
    assert len(mail.outbox) == 1
    assert Notification.objects.get(user=com).emailed_at is None  # the claim died with the worker

    # when the sweep runs, then runs again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_sweep()
    outbox_sweep()

    # then the e-mail went out once more (one repeat, with the same Message-ID), and the inbox holds it once
    assert [m.to for m in mail.outbox] == [[com.email], [com.email]]
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 1
    assert Notification.objects.filter(user=com).count() == 1
    assert Notification.objects.get(user=com).emailed_at is not None


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_email_once(settings, pm, com):
    settings.EMAIL_BACKEND = f"{__name__}._Slow"
    _pending([pm, com], 20)
    barrier = threading.Barrier(2)
    errors, sent = [], []

    def sweep():
        try:
            barrier.wait(timeout=10)
            sent.append(outbox_sweep()["emailed"])
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(sent) == 20
    keys = [m.extra_headers["X-HRDDP-Notification"] for m in mail.outbox]
    assert len(keys) == 20 and len(set(keys)) == 20


class _Slow(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


# --- The notice that background work is delayed ----------------------------------------------------


def test_the_delay_notice_says_how_many_emails_wait_and_that_nothing_is_lost(client, pm, com):
    _pending([pm, com], 3)
    queue._last_failure = time.monotonic()
    client.force_login(pm)

    content = client.get(reverse("inbox")).content.decode()

    assert (
        "Background work is delayed: the message queue cannot be reached, so 3 e-mails are waiting and will go "
        "out as soon as the queue is back. Nothing is lost."
    ) in content


def test_the_delay_notice_counts_one_email_in_the_singular(pm):
    _pending([pm], 1)

    assert "so 1 e-mail is waiting and will go out" in notify_module.background_delay_notice()


def test_pages_count_nothing_while_the_queue_is_reachable(client, pm, monkeypatch):
    def no_count():
        raise AssertionError("counted the waiting e-mails with the queue reachable")

    monkeypatch.setattr(notify_module, "emails_waiting", no_count)
    client.force_login(pm)

    content = client.get(reverse("inbox")).content.decode()

    assert "Background work is delayed" not in content


def test_a_publish_that_succeeds_ends_the_delay_notice(pm, com, django_capture_on_commit_callbacks):
    from hrddp.tasks import deliver_outbox

    queue._last_failure = time.monotonic() - queue.RETRY_AFTER_SECONDS - 1

    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_after_commit(deliver_outbox)

    assert not queue.background_delayed()
