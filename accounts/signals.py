"""Every sign-in, failure, lockout, enrolment, recovery-code use and re-authentication goes to the audit
trail (accounts.services), and every sign-in or re-authentication counts as the last identity check that
sensitive steps ask for (hrddp.reauthentication)."""

from __future__ import annotations

from allauth.account.signals import authentication_step_completed
from allauth.account.signals import user_logged_in as allauth_user_logged_in
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts import services
from accounts.client_ip import client_ip
from hrddp import reauthentication
from hrddp.models import AuditAction, User


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def _checked_at_sign_in(sender, request, user, **kwargs):
    if request is not None:
        reauthentication.mark_checked(request)


@receiver(allauth_user_logged_in)
def _audit_sign_in(sender, request, user, **kwargs):
    # Sent by the sign-in page and single sign-on once every step (password, second factor) is done.
    sociallogin = kwargs.get("sociallogin")
    method = "single sign-on" if sociallogin is not None else "password"
    services.sign_in_record(
        user=user, method=method, ip=_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )


@receiver(user_login_failed)
def _audit_failure(sender, credentials, request=None, **kwargs):
    if getattr(request, "axes_locked_out", False):
        return  # written as a lockout
    services.sign_in_failure_record(username=(credentials or {}).get("username"), ip=_ip(request))


@receiver(user_locked_out)
def _audit_lockout(sender, request, username, ip_address, **kwargs):
    services.lockout_record(username=username, ip=ip_address)


@receiver(authentication_step_completed)
def _checked_again(sender, request, user, method, **kwargs):
    if kwargs.get("reauthenticated"):
        reauthentication.mark_checked(request)
        services.reauthentication_record(user=user, method=method, ip=_ip(request))


@receiver(authenticator_added)
def _audit_enrolment(sender, request, user, authenticator, **kwargs):
    action = AuditAction.GENERATE_RECOVERY_CODES if authenticator.type == "recovery_codes" else AuditAction.ENROL_SECOND_FACTOR
    services.second_factor_record(user=user, action=action, factor_type=authenticator.type, ip=_ip(request))


@receiver(authenticator_removed)
def _audit_removal(sender, request, user, authenticator, **kwargs):
    services.second_factor_record(
        user=user, action=AuditAction.REMOVE_SECOND_FACTOR, factor_type=authenticator.type, ip=_ip(request)
    )


@receiver(authenticator_reset)
def _audit_new_codes(sender, request, user, authenticator, **kwargs):
    services.second_factor_record(
        user=user, action=AuditAction.GENERATE_RECOVERY_CODES, factor_type=authenticator.type, ip=_ip(request)
    )


@receiver(authenticator_used)
def _audit_recovery_code(sender, request, user, authenticator, **kwargs):
    if authenticator.type == "recovery_codes":
        services.second_factor_record(
            user=user, action=AuditAction.USE_RECOVERY_CODE, factor_type=authenticator.type, ip=_ip(request)
        )


@receiver(authentication_failed)
def _audit_refused_code(sender, request, user, authenticator, **kwargs):
    services.second_factor_failure_record(user=user, factor_type=authenticator.type, ip=_ip(request))


@receiver(post_save, sender=User)
def _sessions_ended_everywhere(sender, instance, update_fields=None, **kwargs):
    # "Sign out everywhere" gives the user a new session salt (hrddp.account): every session is then void,
    # and the account page must not list them as open.
    if update_fields and "session_salt" in update_fields:
        services.sessions_forget(user=instance)
