"""How the sign-in library (django-allauth) fits the app: no one signs themselves up, the client address is
read the one way (accounts.client_ip), second-factor secrets are encrypted at rest, and single sign-on only
finds an account the app already holds."""

from __future__ import annotations

import base64
import hashlib
import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.client_ip import client_ip
from hrddp import access
from hrddp.models import User

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts, their roles and offices are made by an administrator, never by the person signing in.
        return False

    def get_client_ip(self, request) -> str:
        return client_ip(request)


def _fernet() -> Fernet:
    # Derived from SECRET_KEY: a database copy alone does not reveal the authenticator secrets.
    # Rotating SECRET_KEY therefore means enrolling the second factors again.
    digest = hashlib.sha256(f"hrddp.mfa:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and the seed the recovery codes are derived from are stored encrypted. The recovery
    codes themselves are never stored: each is an HMAC of the seed, and a used one is struck off by its
    position, so it works once."""

    _PREFIX = "fernet:"

    def encrypt(self, text: str) -> str:
        return self._PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(self._PREFIX):
            return encrypted_text
        try:
            return _fernet().decrypt(encrypted_text[len(self._PREFIX):].encode()).decode()
        except InvalidToken:
            # Encrypted under another SECRET_KEY: the factor no longer matches any code.
            return ""

    def get_totp_label(self, user) -> str:
        return user.get_username()

    def can_delete_authenticator(self, authenticator) -> bool:
        # Whoever must use a second factor keeps at least one: removing the last would only send them
        # back to the enrolment page, with an account protected by the password alone meanwhile.
        if authenticator.type == "recovery_codes" or not access.must_use_second_factor(authenticator.user):
            return True
        others = authenticator.user.authenticator_set.exclude(pk=authenticator.pk).exclude(type="recovery_codes")
        return others.exists()


def _verified_email(sociallogin) -> str | None:
    claims = sociallogin.account.extra_data or {}
    claims = claims.get("userinfo", claims) if isinstance(claims, dict) else {}
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip().lower()
    if claims.get("email") and claims.get("email_verified") is True:
        return str(claims["email"]).strip().lower()
    email = str(claims.get("email") or "").strip().lower()
    if (
        email and settings.OIDC_TRUST_ALLOWED_DOMAINS and settings.OIDC_ALLOWED_EMAIL_DOMAINS
        and email.rsplit("@", 1)[-1] in settings.OIDC_ALLOWED_EMAIL_DOMAINS
    ):
        return email
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on finds the person's existing account by their verified e-mail, in one of
    OIDC_ALLOWED_EMAIL_DOMAINS. It never makes an account, and never touches roles or offices."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        # The person sees allauth's "sign-in failed" page; the reason (a wrong client secret, an unreachable
        # provider) is for the operators' log.
        logger.warning("Single sign-on failed: %s %s", error, exception)

    def _refuse(self, request, message: str):
        raise ImmediateHttpResponse(
            render(request, "accounts/sso_refused.html", {"message": message}, status=403)
        )

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                self._refuse(request, _("This account is disabled. Ask an administrator."))
            return
        email = _verified_email(sociallogin)
        if email is None:
            self._refuse(request, _("Your organisation's sign-in did not give a verified e-mail address."))
        domain = email.rsplit("@", 1)[-1]
        if settings.OIDC_ALLOWED_EMAIL_DOMAINS and domain not in settings.OIDC_ALLOWED_EMAIL_DOMAINS:
            self._refuse(request, _("Addresses at %(domain)s may not sign in here.") % {"domain": domain})
        matches = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if len(matches) != 1:
            self._refuse(
                request,
                _("No account here has the address %(email)s. Ask an administrator to make one; "
                  "single sign-on does not make accounts.") % {"email": email},
            )
        sociallogin.connect(request, matches[0])
