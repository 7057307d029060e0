"""Telling people: in-app notifications, copied by e-mail in the background."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hrddp.models import Engagement, Membership, Notification, Role, User
from hrddp.queue import enqueue_after_commit


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
    users, *, kind: str, title: str, body: str = "", engagement: Engagement | None = None, url: str = "", reminder=None
) -> list[Notification]:
    """Put a message in each user's inbox and e-mail it once the transaction commits."""
    notes = Notification.objects.bulk_create(
        Notification(user=u, kind=kind, engagement=engagement, reminder=reminder, title=title, body=body, url=url)
        for u in users
    )
    if notes:
        from hrddp.tasks import email_notifications

        enqueue_after_commit(email_notifications, [n.pk for n in notes])
    return notes


def notifications_email(*, notification_ids: list[int]) -> int:
    """E-mail the notifications not yet e-mailed; each is claimed first, so a retry never sends twice."""
    sent = 0
    for note in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("user"):
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
            if not claimed or not note.user.email:
                continue
            link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
            # A failure rolls the claim back, and the task retries.
            send_mail(f"[HRDDP] {note.title}", f"{note.body}{link}", settings.DEFAULT_FROM_EMAIL, [note.user.email])
            sent += 1
    return sent


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


ROLES_PREPARE = {Role.PROJECT_MANAGER}
ROLES_DECIDE = {Role.CHIEF_OF_MISSION}
ROLES_HQ = {Role.HQ_HUMAN_RIGHTS}
