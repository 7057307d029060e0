"""What a signed-in user does to their own account: ending every session, marking notifications read.

Neither reaches anyone else's records: each acts on `by` alone (its sessions, its inbox), so
there is nothing for hrddp.access to answer beyond being signed in, which the pages require.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hrddp.models import AuditAction, User
from hrddp.services import audit_record


@transaction.atomic
def sessions_end_everywhere(*, by: User) -> None:
    """End every session of `by`, on every device (a lost phone, a shared computer).

    A new session salt changes the hash every session carries (User.get_session_auth_hash), so each
    of them, this one included, is signed out at its next request. Audited: it is what someone does
    when they fear their account is used by another, and the trail then shows when they did it.
    """
    by.session_salt = User._meta.get_field("session_salt").get_default()
    by.save(update_fields=["session_salt"])
    audit_record(
        engagement=None, actor=by, action=AuditAction.SIGN_OUT_EVERYWHERE,
        justification="Signed out of every session, on every device.",
    )


def notifications_mark_read(*, by: User, notification_id: int | None = None) -> int:
    """Mark one of `by`'s unread notifications (or, without an id, all of them) as read; how many were.

    Not audited: whether someone has read a message in their own inbox changes no engagement and no
    one's rights, and the decision each notification tells of already has its audit entry; an entry
    per click would only bury the trail. Another user's notification is never matched, whatever the id.
    """
    notes = by.notifications.filter(read_at__isnull=True)
    if notification_id is not None:
        notes = notes.filter(pk=notification_id)
    return notes.update(read_at=timezone.now())
