"""Telling people: in-app notifications, copied by e-mail in the background (the outbox)."""

from __future__ import annotations

import logging
import re
import smtplib
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from hrddp.models import Engagement, Membership, Notification, Reminder, Role, User
from hrddp.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

# The Celery task that e-mails notifications just written (hrddp.tasks.email_notifications). The task
# module imports this one for the work its tasks do, so this one does not import it back: HrddpConfig.ready()
# hands the task in (`email_copies_by`) in every process before anything is written. Handed in once rather
# than sent by each caller: every message written here is e-mailed the same way (steps' notices, reminders,
# reports), and some of those callers are themselves run by the tasks.
_email_task = None


def email_copies_by(task) -> None:
    """Name the task that `notify` sends after commit to e-mail what it wrote."""
    global _email_task
    _email_task = task


def people_of(engagements: list[Engagement], roles: set[str]) -> dict[int, list[User]]:
    """For each engagement, the active users holding one of `roles` in its office
    (HQ and auditors, who hold theirs for every office, are included when asked for) — one query."""
    office_ids = {e.office_id for e in engagements}
    memberships = (
        Membership.objects.filter(role__in=roles, user__is_active=True)
        .filter(Q(office_id__in=office_ids) | Q(office__isnull=True))
        .select_related("user")
    )
    by_office: dict[int | None, dict[int, User]] = {}
    for m in memberships:
        by_office.setdefault(m.office_id, {})[m.user_id] = m.user
    everywhere = by_office.get(None, {})
    return {
        e.pk: sorted({**by_office.get(e.office_id, {}), **everywhere}.values(), key=lambda u: u.pk) for e in engagements
    }


def notify(
    users, *, key: str, kind: str, title: str, body: str = "", engagement: Engagement | None = None, url: str = "",
    reminder=None,
) -> list[Notification]:
    """Put a message in each user's inbox, in the caller's transaction, and e-mail it once that commits.

    `key` names what the message is about (e.g. "step:<audit entry id>"); each user's notification
    is keyed "<key>:<user id>", so writing the same message again (a retried task, a job run twice)
    adds nothing to anyone's inbox. The rows are the outbox: the task sent after commit is the fast
    path, and the sweep (`outbox_sweep`, every minute) sends whatever it could not."""
    notes = [
        Notification(
            user=u, kind=kind, engagement=engagement, reminder=reminder, title=title, body=body, url=url,
            dedupe_key=f"{key}:{u.pk}",
        )
        for u in users
    ]
    if not notes:
        return []
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    if _email_task is None:
        raise ImproperlyConfigured("No task e-mails the notifications: the hrddp app is not ready.")
    enqueue_after_commit(_email_task, dedupe_keys=[n.dedupe_key for n in notes])
    return notes


# --- E-mail copies: the outbox ------------------------------------------------------------------

EMAIL_BATCH = 100
# A failed e-mail is tried again after 1, 2, 4 ... minutes, at most an hour apart, and never given up.
RETRY_AFTER_MAX = timedelta(hours=1)
# Bounds the time a claim stays open while the mail server answers.
EMAIL_TIMEOUT_SECONDS = 30
# A refusal of this one message (its recipient, its content): the next message may still go.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, ValueError)


def notification_message_id(key: str) -> str:
    """The e-mail's Message-ID, derived from the notification's key: every copy of one notification
    carries the same one, so that a receiving system can drop a repeat."""
    local = re.sub(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+", ".", key).strip(".")
    domain = urlsplit(settings.SITE_URL).hostname or "hrddp.localhost"
    return f"<hrddp.{local}@{domain}>"


def _email_message(note: Notification, connection) -> EmailMessage:
    link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
    return EmailMessage(
        subject=" ".join(f"[HRDDP] {note.title}".split()),  # a header holds no line breaks
        body=f"{note.body}{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[note.user.email],
        headers={"Message-ID": notification_message_id(note.dedupe_key), "X-HRDDP-Notification": note.dedupe_key},
        connection=connection,
    )


def _email_one(note: Notification, connection) -> bool:
    """Claim one notification's e-mail and send it; False if it is sent already or being sent elsewhere.

    Why no message is lost and at most one is repeated: the claim (setting `emailed_at`) and the
    send happen in one transaction, which commits only after the mail server accepted the message.
    If the send fails, or the process dies during it (even by SIGKILL: the database then ends the
    session and rolls back), the claim is undone and the e-mail waits for the next try. The one
    window for a repeat is between the server's acceptance and the commit; the repeat carries the
    same Message-ID. While the transaction is open, the row is locked: on PostgreSQL another worker
    skips it (SKIP LOCKED) instead of sending it too; on SQLite each transaction takes the write
    lock at its start (settings: IMMEDIATE), so claims run one after the other. The inbox row is
    not touched here: it was written with the decision, so no failure here adds or removes one."""
    with transaction.atomic():
        # Lock and claim in one statement; a row another worker holds is skipped, not waited for.
        free = Notification.objects.select_for_update(skip_locked=True).filter(pk=note.pk, emailed_at__isnull=True)
        claimed = Notification.objects.filter(pk__in=free.order_by().values("pk")).update(emailed_at=timezone.now())
        if not claimed:
            return False
        if note.user.email and note.user.is_active:
            connection.send_messages([_email_message(note, connection)])
    return True


def _email_failed(note: Notification, exc: Exception) -> None:
    attempts = note.email_attempts + 1
    delay = min(timedelta(minutes=2 ** min(attempts - 1, 10)), RETRY_AFTER_MAX)
    Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
        email_attempts=F("email_attempts") + 1, email_error=f"{type(exc).__name__}: {exc}"[:2000],
        email_retry_at=timezone.now() + delay,
    )
    logger.warning("The e-mail of notification %s (%s) failed; tried again in %s.", note.pk, note.dedupe_key, delay,
                   exc_info=exc)


def _email_all(notes: list[Notification]) -> tuple[int, bool]:
    """Send each note's e-mail over one connection to the mail server; (sent, stopped because the
    server cannot be reached)."""
    if not notes:
        return 0, False
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT_SECONDS)
    sent = 0
    try:
        for note in notes:
            try:
                sent += _email_one(note, connection)
            except MESSAGE_REFUSED as exc:
                _email_failed(note, exc)
            except Exception as exc:  # noqa: BLE001 - the server or the network: the rest waits for the next run
                _email_failed(note, exc)
                return sent, True
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a connection that broke cannot be closed cleanly
            logger.debug("Closing the mail connection failed.", exc_info=True)
    return sent, False


def notifications_email(*, notification_ids: list[int] | None = None, dedupe_keys: list[str] | None = None) -> int:
    """E-mail the given notifications not yet e-mailed (the fast path, just after they were written)."""
    pending = Notification.objects.filter(emailed_at__isnull=True).select_related("user")
    if dedupe_keys is not None:
        pending = pending.filter(dedupe_key__in=dedupe_keys)
    else:
        pending = pending.filter(pk__in=notification_ids or [])
    return _email_all(list(pending.order_by("created_at", "pk")))[0]


def notifications_pending():
    """Notifications whose e-mail waits (and is not backing off after a failure), oldest first."""
    now = timezone.now()
    return (
        Notification.objects.filter(emailed_at__isnull=True)
        .filter(Q(email_retry_at__isnull=True) | Q(email_retry_at__lte=now))
        .order_by("created_at", "pk")
    )


def notifications_email_pending(*, limit: int = EMAIL_BATCH) -> dict:
    """Send the oldest `limit` e-mails still waiting: one read of the batch with its users, then per
    e-mail its claim. `more` says that the batch was full and the server reachable."""
    notes = list(notifications_pending().select_related("user")[:limit])
    sent, stopped = _email_all(notes)
    return {"emailed": sent, "more": len(notes) == limit and not stopped, "mail_server_unreachable": stopped}


def reminders_deliver_pending(*, limit: int = EMAIL_BATCH) -> dict:
    """Deliver the oldest `limit` reminders not yet delivered (e.g. held back by a broker outage).

    Each delivery claims its reminder, so a reminder another worker delivers at the same time is
    delivered once; one that fails is recorded and tried again at the next run, after the others."""
    ids = list(
        Reminder.objects.filter(sent_at__isnull=True)
        .order_by("attempts", "created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = 0
    for pk in ids:
        try:
            delivered += reminder_deliver(reminder_id=pk)
        except Exception as exc:  # noqa: BLE001 - one reminder failing must not hold back the others
            logger.exception("Delivering reminder %s failed; it is tried again at the next run.", pk)
            Reminder.objects.filter(pk=pk, sent_at__isnull=True).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
    return {"reminders": delivered, "more": len(ids) == limit}


def outbox_sweep(*, limit: int = EMAIL_BATCH) -> dict:
    """The safety net under the tasks sent after commit: deliver the reminders not yet delivered,
    then send the e-mails still waiting, oldest first, `limit` of each."""
    reminders = reminders_deliver_pending(limit=limit)
    emails = notifications_email_pending(limit=limit)
    return {
        "reminders": reminders["reminders"], "emailed": emails["emailed"],
        "more": (reminders["more"] or emails["more"]) and not emails["mail_server_unreachable"],
    }


def outbox_drain(*, seconds: float) -> dict:
    """Sweep batch after batch while a batch comes back full, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    totals = {"reminders": 0, "emailed": 0}
    while True:
        done = outbox_sweep()
        totals = {key: totals[key] + done[key] for key in totals}
        if not done["more"] or time.monotonic() > deadline:
            return totals


def emails_waiting() -> int:
    """How many e-mails wait to go out (for the notice that background work is delayed): one query."""
    return Notification.objects.filter(emailed_at__isnull=True, user__is_active=True).exclude(user__email="").count()


def background_delay_notice() -> str:
    """What the pages say while the broker cannot be reached: how many e-mails wait, and that they
    are not lost (one query, made only while the notice shows)."""
    waiting = emails_waiting()
    if waiting == 0:
        queued = "no e-mail is waiting; anything new will go out as soon as the queue is back"
    elif waiting == 1:
        queued = "1 e-mail is waiting and will go out as soon as the queue is back"
    else:
        queued = f"{waiting:,} e-mails are waiting and will go out as soon as the queue is back"
    return f"Background work is delayed: the message queue cannot be reached, so {queued}. Nothing is lost."


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


ROLES_PREPARE = {Role.PROJECT_MANAGER}
ROLES_DECIDE = {Role.CHIEF_OF_MISSION}
ROLES_HQ = {Role.HQ_HUMAN_RIGHTS}


# --- Reminders: who hears of each kind, and delivering one (the daily job in monitoring records them) ---

# Who hears of each kind of reminder.
AUDIENCE = {
    Reminder.Kind.REASSESSMENT_DUE: ROLES_PREPARE | ROLES_DECIDE,
    Reminder.Kind.REASSESSMENT_OVERDUE: ROLES_PREPARE | ROLES_DECIDE,
    Reminder.Kind.MEASURE_OVERDUE: ROLES_PREPARE,
    Reminder.Kind.DECISION_WAITING: ROLES_DECIDE,
    Reminder.Kind.INDICATORS_MISSING: ROLES_PREPARE,
    Reminder.Kind.SUSPENSION_UNREVIEWED: ROLES_PREPARE | ROLES_DECIDE,
    # The project manager writes the report the escalation asks for (P¶25); the decision makers receive it.
    Reminder.Kind.GRAVE_VIOLATION: ROLES_PREPARE | ROLES_DECIDE | ROLES_HQ,
    Reminder.Kind.QUARTERLY_REPORT: ROLES_PREPARE | ROLES_DECIDE | ROLES_HQ,
}


NOTIFICATION_KIND = {Reminder.Kind.GRAVE_VIOLATION: "escalation", Reminder.Kind.QUARTERLY_REPORT: "report"}


def _link(reminder: Reminder) -> str:
    if reminder.kind == Reminder.Kind.QUARTERLY_REPORT:
        return reverse("indicator_reports", args=[reminder.engagement_id])
    return reverse("engagement_detail", args=[reminder.engagement_id])


def reminder_deliver(*, reminder_id: int) -> bool:
    """Send one reminder to its audience, in the app and by e-mail; False if it was already sent."""
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(sent_at=timezone.now())
        if not claimed:
            return False
        reminder = Reminder.objects.select_related("engagement", "engagement__office").get(pk=reminder_id)
        engagement = reminder.engagement
        users = people_of([engagement], AUDIENCE[reminder.kind])[engagement.pk]
        notify(
            users, kind=NOTIFICATION_KIND.get(reminder.kind, "reminder"),
            title=f"{reminder.get_kind_display()}: {engagement.reference}",
            body=f"{engagement.reference} — {engagement.title}\n\n{reminder.detail}".strip(),
            engagement=engagement, url=_link(reminder), reminder=reminder, key=f"reminder:{reminder.pk}",
        )
    return True
