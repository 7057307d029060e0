"""Evidence files kept on the records of a case.

A file is attached to one record (an engagement, a cited source of an assessment, an incident, a mitigation measure,
an intervention case, a letter) through a content type and an id rather than one nullable foreign key per kind of
record: six kinds today, more later (the visibility waiver, a report), and every query the app makes is by the record
or by the engagement, which each file also carries directly so that scoping a user's files is one join, whatever the
record. Which records may carry files, and how each reaches its engagement, is `evidence.targets`.

A file is never overwritten: its bytes live under a fresh random name, a new version is a new file, and removing one
is a recorded withdrawal (who, when, why) that keeps the bytes for the audit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def storage_name(instance: EvidenceFile, filename: str) -> str:
    # The user's name for the file is kept in `original_name`; the stored name is random so that no upload can
    # choose, guess or replace another's path.
    return f"evidence/{timezone.now():%Y}/{instance.engagement_id}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="evidence_files")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")

    file = models.FileField(upload_to=storage_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("description"), max_length=500)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    confidential = models.BooleanField(
        _("confidential"), default=False,
        help_text=_("Readable only by those granted the engagement's confidential access."),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawn_role = models.CharField(max_length=32, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="evidence_target_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawn_reason=""),
                name="evidence_withdrawal_has_reason",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
