"""Who is calling: a personal API token (`Authorization: Bearer <token>`, or `Token <token>`), else the
browser session of the app's own pages (with its CSRF check on writes, DRF's SessionAuthentication).

A revoked or expired token, or one that is not ours, is a 401: the caller must get a new one. An inactive
user's token is refused the same way.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.tokens import api_token_for_secret, api_token_mark_used

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None  # not ours: the session may answer
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send one token after the word Bearer."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This is not a token of this application.")) from None
        token = api_token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This is not a token of this application."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if not token.is_usable():
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this token is disabled."))
        api_token_mark_used(token)
        return token.user, token

    def authenticate_header(self, request):
        # Makes a refused call a 401 with a challenge, not a 403.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token (drf-spectacular finds this class by its target)."""

    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("A personal API token, created on the API tokens page and shown once."),
        }
