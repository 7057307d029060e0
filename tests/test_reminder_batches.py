"""Reminders are delivered in batches: a job that finds many due publishes one message per batch,
and each reminder is still claimed and delivered on its own, once."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry

from hrddp import queue, tasks
from hrddp.models import Notification, Reminder
from hrddp.tasks import deliver_reminders, reminders_enqueue
from monitoring.jobs import job_daily_reminders
from tests.factories import EngagementFactory
from tests.test_daily_reminders import TODAY, _active


@pytest.fixture
def published(monkeypatch):
    """The (task name, args) of each message sent to the broker (each then runs in place)."""
    sent = []
    real_send = queue._send

    def send(task, args, kwargs):
        sent.append((task.name, args))
        real_send(task, args, kwargs)

    monkeypatch.setattr(queue, "_send", send)
    return sent


def _reminders(office, count):
    engagements = [EngagementFactory(office=office) for _ in range(5)]
    Reminder.objects.bulk_create(
        Reminder(
            kind=Reminder.Kind.DECISION_WAITING, subject=f"test:{i}", period="2026-11-22",
            engagement=engagements[i % 5], detail="Waiting.",
        )
        for i in range(count)
    )
    return list(Reminder.objects.order_by("pk").values_list("pk", flat=True))


def test_250_reminders_in_batches_of_100_are_3_messages_and_each_is_delivered_once(
    django_capture_on_commit_callbacks, published, office_a, com, outsider
):
    # Given 250 reminders waiting for the Chief of Mission of office A
    ids = _reminders(office_a, 250)

    # When they are enqueued in batches of 100
    with django_capture_on_commit_callbacks(execute=True):
        reminders_enqueue(ids, batch_size=100)

    # Then three messages were published, of 100, 100 and 50 ids
    batches = [args[0] for name, args in published if name == deliver_reminders.name]
    assert [len(b) for b in batches] == [100, 100, 50]
    assert sorted(pk for b in batches for pk in b) == ids
    # And each reminder was delivered once: the Chief of Mission has one notification each, the outsider none
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert Notification.objects.filter(user=com, reminder__isnull=False).count() == 250
    assert not Notification.objects.filter(user=outsider).exists()


def test_a_batch_delivered_twice_sends_each_reminder_once(django_capture_on_commit_callbacks, office_a, com):
    # Given ten reminders, delivered by one batch
    ids = _reminders(office_a, 10)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_reminders.delay(ids)
    notes = Notification.objects.count()

    # When the same batch is delivered again
    with django_capture_on_commit_callbacks(execute=True):
        deliver_reminders.delay(ids)

    # Then nothing more was sent
    assert Notification.objects.count() == notes == 10


def test_one_reminder_failing_does_not_hold_back_the_others_of_its_batch(monkeypatch, office_a, com):
    # Given three reminders, the second of which fails to deliver once
    ids = _reminders(office_a, 3)
    real_deliver = tasks.reminder_deliver
    calls = []

    def deliver(*, reminder_id):
        calls.append(reminder_id)
        if reminder_id == ids[1] and calls.count(reminder_id) == 1:
            raise RuntimeError("SMTP down")
        return real_deliver(reminder_id=reminder_id)

    monkeypatch.setattr(tasks, "reminder_deliver", deliver)

    # When the batch runs
    with pytest.raises(Retry) as retry:
        deliver_reminders.apply(args=[ids])

    # Then the others were delivered, and the failed one alone is retried later
    assert calls == ids and retry.value.sig.args == ([ids[1]],)
    assert list(Reminder.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)) == [ids[1]]

    # When the retry runs
    deliver_reminders.apply(args=retry.value.sig.args)

    # Then it is delivered too, once
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert Notification.objects.filter(user=com).count() == 3


def test_the_daily_job_publishes_its_reminders_in_batches(
    django_capture_on_commit_callbacks, published, monkeypatch, office_a, pm, com
):
    # Given five engagements whose reassessment is overdue, and batches of two
    for _ in range(5):
        _active(office_a, endorsed_on=TODAY - timedelta(days=400))
    monkeypatch.setattr(tasks, "REMINDER_BATCH_SIZE", 2)

    # When the daily job runs
    with django_capture_on_commit_callbacks(execute=True):
        result = job_daily_reminders(today=TODAY)

    # Then the reminders went out in ceil(n / 2) messages, each delivered once
    deliveries = [args[0] for name, args in published if name == deliver_reminders.name]
    assert len(deliveries) == -(-result["to_deliver"] // 2) and result["to_deliver"] >= 5
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
