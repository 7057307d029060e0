"""Lockouts that hit the attacker, not the office.

Axes counts failures per lockout parameter (settings.AXES_LOCKOUT_PARAMETERS): the pair (username, client
address) and the username alone. It compares the highest of those counts with one limit; here each has its
own: the pair locks at AXES_FAILURE_LIMIT, the username from anywhere only at AXES_USERNAME_FAILURE_LIMIT.
The address alone never locks anyone, so one colleague guessing wrong behind the office's proxy does not
lock the others out.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone


def _limit_of(parameter, pair_limit: int) -> int:
    if parameter == "username" or parameter == ["username"]:
        return settings.AXES_USERNAME_FAILURE_LIMIT
    return pair_limit


class PairThenUserHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures that count towards the one limit Axes checks: the limit itself once any parameter has
        reached its own threshold, else the pair's count (kept below the limit)."""
        limit = get_failure_limit(request, credentials)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        parameters = settings.AXES_LOCKOUT_PARAMETERS
        if any(count >= _limit_of(parameter, limit) for parameter, count in zip(parameters, counts)):
            return limit
        return min(max(counts, default=0), limit - 1)


def retry_at(request, credentials=None):
    """When the lockout of this request's username ends: the cool-off after its latest failure."""
    username = get_client_username(request, credentials)
    cool_off = get_cool_off(request)
    if not username or cool_off is None:
        return None
    latest = AccessAttempt.objects.filter(username=username).aggregate(at=Max("attempt_time"))["at"]
    return (latest or timezone.now()) + cool_off


def locked_out_response(request, original_response=None, credentials=None):
    return render(
        request, "registration/locked_out.html",
        {"retry_at": retry_at(request, credentials), "contact": settings.ACCOUNT_HELP_CONTACT},
        status=429,
    )


# Longer than any account's username (and than the attempts table's column, 255): kept to this many characters.
_USERNAME_KEPT = 150


def attempted_username(request, credentials=None) -> str | None:
    """The username a sign-in attempt names, as axes counts it: from the credentials, else the form; cut to the
    length a username can have, so that a pasted essay is a failed attempt like any other, not a server error."""
    source = credentials if credentials else getattr(request, "data", None) or getattr(request, "POST", {})
    username = source.get("username") if hasattr(source, "get") else None
    return username[:_USERNAME_KEPT] if isinstance(username, str) else username
