"""The audit trail: who did what, when, from which state to which, and why.

Entries are chained by hash (hrddp/audit_chain.py). On PostgreSQL a trigger owned
by the database owner sets the chain columns and, for the application's role,
the time of the entry; the columns are declared with a database default so that
INSERT ... RETURNING hands the stored values back to the saved instance.
"""

from django.conf import settings
from django.db import models, router, transaction
from django.db.models.functions import Now
from django.utils import timezone

from hrddp.audit_chain import chain_extend, chain_extended_in_python
from hrddp.models.audit_actions import AuditAction
from hrddp.models.engagements import State


class AuditEntryIsPermanent(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        if not chain_extended_in_python(self.db):
            return super().bulk_create(objs, *args, **kwargs)  # the database's trigger links them
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain_extend(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        raise AuditEntryIsPermanent("Audit entries cannot be changed.")

    def delete(self):
        raise AuditEntryIsPermanent("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    engagement = models.ForeignKey(
        "hrddp.Engagement", on_delete=models.PROTECT, related_name="audit_entries", null=True, blank=True
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries")
    # The application's clock in Python; on PostgreSQL the trigger replaces it with the
    # database's clock unless the writer is the table's owner (migrations, the demo and the
    # synthetic portfolio, which build dated histories).
    at = models.DateTimeField(default=timezone.now, db_default=Now(), db_index=True)
    action = models.CharField(max_length=64, choices=AuditAction.choices, help_text="The transition or decision taken.")
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    justification = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    # The hash chain: gap-free position (chain order is commit order, which id order need
    # not be), the previous entry's hash, and this entry's. The database defaults are
    # placeholders the trigger always replaces on PostgreSQL.
    chain_seq = models.BigIntegerField(unique=True, db_default=0, editable=False)
    prev_hash = models.CharField(max_length=64, db_default="", editable=False)
    hash = models.CharField(max_length=64, db_default="", editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        # Every manager, the plain one that bulk writers use included, extends the chain.
        base_manager_name = "objects"
        verbose_name_plural = "audit entries"
        permissions = [("view_audit_trail", "Can read the whole audit trail")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditEntryIsPermanent("Audit entries cannot be changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if not chain_extended_in_python(using):
            super().save(*args, **kwargs)  # the database's trigger links it
            return
        # Reading the head and writing after it in one transaction (none added inside a service's own).
        with transaction.atomic(using=using, savepoint=False):
            chain_extend([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryIsPermanent("Audit entries cannot be deleted.")

    @property
    def action_label(self) -> str:
        if self.action in AuditAction.values:
            return AuditAction(self.action).label
        # An action no longer written (AuditAction lists every one written now): its name in words.
        return self.action.replace("_", " ").capitalize()

    @property
    def from_label(self) -> str:
        return State(self.from_state).label if self.from_state in State.values else self.from_state

    @property
    def to_label(self) -> str:
        return State(self.to_state).label if self.to_state in State.values else self.to_state
