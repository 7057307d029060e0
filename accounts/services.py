"""The audit of signing in, and what a user does to their own sessions.

Each entry is written with engagement=None: the trail of the account, beside the engagements' trails.
An entry needs an actor, so a failure or a lockout for a username that names no account is not written
here (Axes keeps those attempts, address and time, in its own tables).
"""

from __future__ import annotations

from django.db import transaction

from hrddp.models import AuditAction, User
from hrddp.services import audit_record

_FACTOR_NAMES = {"totp": "authenticator app", "webauthn": "security key", "recovery_codes": "recovery codes"}


def _user_named(username: str | None) -> User | None:
    if not username:
        return None
    return User.objects.filter(username=username).first()


def _where(ip: str | None, user_agent: str | None = None) -> dict:
    details = {}
    if ip:
        details["ip"] = ip
    if user_agent:
        details["user_agent"] = user_agent[:200]
    return details


@transaction.atomic
def sign_in_record(*, user: User, method: str, ip: str | None, user_agent: str | None = None) -> None:
    audit_record(
        engagement=None, actor=user, action=AuditAction.SIGN_IN,
        justification=f"Signed in ({method}).", details={"method": method, **_where(ip, user_agent)},
    )


@transaction.atomic
def sign_in_failure_record(*, username: str | None, ip: str | None) -> None:
    user = _user_named(username)
    if user is not None:
        audit_record(
            engagement=None, actor=user, action=AuditAction.SIGN_IN_FAILED,
            justification="A sign-in with this username failed.", details=_where(ip),
        )


@transaction.atomic
def second_factor_failure_record(*, user: User, factor_type: str, ip: str | None) -> None:
    """A wrong one-time code or recovery code after a right password: someone may hold the password."""
    audit_record(
        engagement=None, actor=user, action=AuditAction.SIGN_IN_FAILED,
        justification="A second-factor code was refused.", details={"type": factor_type, "step": "second factor", **_where(ip)},
    )


@transaction.atomic
def sessions_forget(*, user: User) -> None:
    """Drop the list of `user`'s sessions and the sessions themselves, once they were all ended at a stroke
    (hrddp.account.sessions_end_everywhere); that one is audited there."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()


@transaction.atomic
def lockout_record(*, username: str | None, ip: str | None) -> None:
    user = _user_named(username)
    if user is not None:
        audit_record(
            engagement=None, actor=user, action=AuditAction.LOCKED_OUT,
            justification="Sign-in paused after repeated failures.", details=_where(ip),
        )


@transaction.atomic
def second_factor_record(*, user: User, action: str, factor_type: str, ip: str | None = None) -> None:
    name = _FACTOR_NAMES.get(factor_type, factor_type)
    audit_record(
        engagement=None, actor=user, action=action,
        justification=f"{AuditAction(action).label}: {name}.", details={"type": factor_type, **_where(ip)},
    )


@transaction.atomic
def reauthentication_record(*, user: User, method: str, ip: str | None = None) -> None:
    audit_record(
        engagement=None, actor=user, action=AuditAction.REAUTHENTICATE,
        justification=f"Confirmed their identity again ({method}).", details={"method": method, **_where(ip)},
    )


class NoSuchSession(Exception):
    pass


@transaction.atomic
def session_revoke(*, by: User, session_id: int) -> None:
    """End one of `by`'s sessions at once: its session row is deleted, so the next request of that
    browser is anonymous. Another user's session is never matched, whatever the id."""
    from allauth.usersessions.models import UserSession

    session = UserSession.objects.filter(user=by, pk=session_id).first()
    if session is None:
        raise NoSuchSession
    details = _where(session.ip, session.user_agent)
    session.end()
    audit_record(
        engagement=None, actor=by, action=AuditAction.REVOKE_SESSION,
        justification="Ended a session from the account page.", details=details,
    )


@transaction.atomic
def second_factor_enrol_known_secret(*, user: User, secret: str) -> bool:
    """Give `user` an authenticator app whose secret is already known (the demo's documented one), unless
    they have one; whether one was made. Audited like any enrolment."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return False
    TOTP.activate(user, secret)
    audit_record(
        engagement=None, actor=user, action=AuditAction.ENROL_SECOND_FACTOR,
        justification=f"{AuditAction.ENROL_SECOND_FACTOR.label}: authenticator app (the demo's documented secret).",
        details={"type": "totp"},
    )
    return True
