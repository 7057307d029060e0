"""The discussion on a record: comments and advice, kept as part of the record.

A comment is attached to an engagement, an assessment version, a mitigation plan, an incident or an intervention case
through a content type and an id (the kinds of record grow; every query is by the record or by the engagement, which
each comment carries directly for scoping). It is never deleted; an edit keeps the earlier text as a revision, shown
under the comment.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Comment(models.Model):
    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="comments")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The role written under (Chief of Mission, project manager, HQ Human Rights Team): HQ's are its advice.
    author_role = models.CharField(max_length=32)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="comment_target_idx")]

    def __str__(self):
        return f"{self.author}: {self.body[:60]}"


class CommentRevision(models.Model):
    """The text a comment had before an edit, with when it had been written."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    body = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]
