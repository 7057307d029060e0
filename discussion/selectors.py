"""Reading the discussion: the comments on a record, on an engagement as a whole, or HQ's advice on a version."""

from __future__ import annotations

from django.db.models import Prefetch

from discussion.models import Comment, CommentRevision
from discussion.targets import TARGETS, content_type_of


def _with_parts(queryset):
    return queryset.select_related("author").prefetch_related(
        Prefetch("revisions", queryset=CommentRevision.objects.order_by("written_at", "pk"))
    )


def comments_on(obj) -> list[Comment]:
    return list(_with_parts(Comment.objects.filter(target_type=content_type_of(obj), target_id=obj.pk)))


def comments_of_engagement(engagement) -> list[Comment]:
    """Every comment on the engagement and its records, oldest first, each with the record it is on (`where`)."""
    comments = list(_with_parts(Comment.objects.filter(engagement=engagement).select_related("target_type")))
    by_model: dict[type, set[int]] = {}
    kinds = {}
    for target in TARGETS.values():
        kinds[(target.model._meta.app_label, target.model._meta.model_name)] = target
    for c in comments:
        target = kinds.get((c.target_type.app_label, c.target_type.model))
        if target is not None:
            by_model.setdefault(target, set()).add(c.target_id)
    found = {}
    for target, ids in by_model.items():
        for obj in target.model.objects.filter(pk__in=ids):
            found[(target.key, obj.pk)] = target.describe(obj)
    for c in comments:
        target = kinds.get((c.target_type.app_label, c.target_type.model))
        c.where = found.get((target.key, c.target_id), "") if target else ""
    return comments
