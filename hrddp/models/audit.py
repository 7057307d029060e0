"""The audit trail: who did what, when, from which state to which, and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntryIsPermanent(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryIsPermanent("Audit entries cannot be changed.")

    def delete(self):
        raise AuditEntryIsPermanent("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    engagement = models.ForeignKey(
        "hrddp.Engagement", on_delete=models.PROTECT, related_name="audit_entries", null=True, blank=True
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=64, help_text="The transition or decision taken.")
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    justification = models.TextField()
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        permissions = [("view_audit_trail", "Can read the whole audit trail")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditEntryIsPermanent("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryIsPermanent("Audit entries cannot be deleted.")

    @property
    def action_label(self) -> str:
        from hrddp.lifecycle import transition_label

        return transition_label(self.action)

    @property
    def from_label(self) -> str:
        from hrddp.models import State

        return State(self.from_state).label if self.from_state in State.values else self.from_state

    @property
    def to_label(self) -> str:
        from hrddp.models import State

        return State(self.to_state).label if self.to_state in State.values else self.to_state
