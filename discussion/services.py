"""Commenting and editing a comment: each checks who may, writes its audit entry and tells whoever is mentioned, in
one transaction."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from discussion import targets
from discussion.models import Comment, CommentRevision
from hrddp import access
from hrddp.models import AuditAction, Engagement, Notification, User
from hrddp.notify import notify
from hrddp.services import audit_record

BODY_MAX = 5000
# "@pm.darvonia" (usernames hold letters, digits and @.+-_); an e-mail address is not a mention.
MENTION = re.compile(r"(?<![\w.@+-])@([\w.+-]{1,150})")


def mentioned_usernames(body: str) -> list[str]:
    return sorted({name.rstrip(".") for name in MENTION.findall(body) if name.rstrip(".")})


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the comment.")]})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": [_("Keep a comment under %(n)d characters.") % {"n": BODY_MAX}]})
    return body


def _notify_mentions(comment: Comment, engagement: Engagement, target, by: User) -> None:
    """Tell each mentioned user who may see the engagement (once per comment: an edit tells only those newly named)."""
    readers = [u for u in access.engagement_readers(engagement, mentioned_usernames(comment.body)) if u.pk != by.pk]
    if not readers:
        return
    kind = targets.target_for(target)
    notify(
        readers, key=f"comment:{comment.pk}:mention", kind=Notification.Kind.STEP,
        title=_("%(who)s mentioned you on %(ref)s") % {"who": by.get_full_name() or by.username, "ref": engagement.reference},
        body=Truncator(comment.body).chars(500), engagement=engagement,
        url=f"{kind.url(target)}#comment-{comment.pk}",
    )


def comment_add(*, by: User, target, body: str) -> Comment:
    kind = targets.target_for(target)
    if kind is None:
        raise ValidationError({"target": [_("This record carries no discussion.")]})
    engagement = Engagement.objects.get(pk=targets.engagement_id_of(target))
    access.require_comment(by, engagement)
    body = _clean_body(body)
    with transaction.atomic():
        comment = Comment.objects.create(
            engagement=engagement, target_type=targets.content_type_of(target), target_id=target.pk, author=by,
            author_role=access.comment_role(by, engagement), body=body,
        )
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.ADD_COMMENT,
            justification=_("Commented on %(what)s: %(text)s") % {"what": kind.describe(target),
                                                                  "text": Truncator(body).chars(300)},
            details={"comment": comment.pk, "target": kind.key, "target_id": target.pk},
        )
        _notify_mentions(comment, engagement, target, by)
    return comment


def comment_edit(*, by: User, comment: Comment, body: str) -> Comment:
    """Change one's own comment; the earlier text stays, as a revision shown under it."""
    engagement = comment.engagement
    access.require_comment(by, engagement)
    if comment.author_id != by.pk:
        raise PermissionDenied(_("Only its author edits a comment."))
    body = _clean_body(body)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.body == body:
            return locked
        CommentRevision.objects.create(comment=locked, body=locked.body, written_at=locked.edited_at or locked.created_at)
        locked.body = body
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "edited_at"])
        target = locked.target
        kind = targets.target_for(target)
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.EDIT_COMMENT,
            justification=_("Edited a comment on %(what)s: %(text)s") % {"what": kind.describe(target),
                                                                        "text": Truncator(body).chars(300)},
            details={"comment": locked.pk},
        )
        _notify_mentions(locked, engagement, target, by)
    return locked
