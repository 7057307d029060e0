"""What the account page reads."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef
from django.utils import timezone


def sessions_of(user) -> list[UserSession]:
    """The user's sessions that are still open, the latest seen first, in one query: a row whose session has
    ended or expired (signed out, timed out, ended from this page) is left out. Sessions live in the database
    (Django's default session engine)."""
    live = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=timezone.now())
    return list(UserSession.objects.filter(user=user).filter(Exists(live)).order_by("-last_seen_at", "-pk"))
