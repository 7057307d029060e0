"""In-app notifications, and the record of every reminder sent (once per item and period)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_dedupe_key() -> str:
    """A key of its own for a notification written outside `notify` (which names what each one is about)."""
    return f"once:{uuid.uuid4().hex}"


class Notification(models.Model):
    """One message in a user's inbox, and the outbox of its e-mail copy.

    It is written in the transaction of the decision it tells of, so it exists
    exactly when the decision does; its e-mail goes out after commit (at once,
    or by the sweep every minute when the broker was down). `dedupe_key` names
    what it is about and for whom ("step:<audit entry>:<user>",
    "reminder:<reminder>:<user>", ...): whatever writes it twice writes it once,
    and the e-mail carries the key so that a receiver can drop a repeat."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"
        REPORT = "report", "Report"
        STEP = "step", "Step taken"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    engagement = models.ForeignKey(
        "hrddp.Engagement", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    reminder = models.ForeignKey("hrddp.Reminder", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True, default=new_dedupe_key, editable=False)
    # When its e-mail was sent (or found needless: no address, account closed); empty while it waits.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveIntegerField(default=0)
    email_error = models.TextField(blank=True)
    # After a failed send, not before this time (backing off, so one bad message does not hold the others).
    email_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            # The outbox: the e-mails still waiting, oldest first.
            models.Index(
                fields=["created_at", "id"], condition=models.Q(emailed_at__isnull=True), name="notification_unmailed"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.title}"


class Reminder(models.Model):
    """That a reminder of one kind, about one item, for one period, is due.

    The unique key makes each reminder exist once however often (or however
    concurrently) the job runs; delivery is claimed by setting `sent_at`."""

    class Kind(models.TextChoices):
        REASSESSMENT_DUE = "reassessment_due", "Reassessment due within 30 days"
        REASSESSMENT_OVERDUE = "reassessment_overdue", "Reassessment overdue"
        MEASURE_OVERDUE = "measure_overdue", "Mitigation measure past its due date"
        DECISION_WAITING = "decision_waiting", "Waiting for the Chief of Mission's decision"
        INDICATORS_MISSING = "indicators_missing", "Quarterly indicators not entered"
        SUSPENSION_UNREVIEWED = "suspension_unreviewed", "Suspended engagement not reviewed for 30 days"
        GRAVE_VIOLATION = "grave_violation", "Grave violation reported"
        QUARTERLY_REPORT = "quarterly_report", "Quarterly indicator report"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    subject = models.CharField(max_length=100, help_text="What it is about, e.g. 'engagement:12' or 'measure:7'.")
    period = models.CharField(max_length=40, help_text="e.g. the due date, or the quarter '2026-Q3'.")
    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.CASCADE, related_name="reminders")
    detail = models.TextField(blank=True, help_text="What the reminder says.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "subject", "period"], name="reminder_once_per_period")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.subject} ({self.period})"
