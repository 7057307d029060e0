"""Whoever must use a second factor (hrddp.access.must_use_second_factor) reaches only its enrolment until
they have one: a stolen password alone then opens nothing of a decision maker's or a confidential reader's."""

import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from hrddp import access

# Where such a user may still go: the second-factor pages, re-authentication (enrolling asks for it), and
# signing out; static files are served before this.
_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/static/")
# A user found in order is not asked again for a few minutes: two queries a request would be spent on a
# question whose answer changes only when a role or a confidential grant does.
_CHECKED = "accounts_second_factor_checked_at"
_RECHECK_SECONDS = 300


def _has_second_factor(user) -> bool:
    return user.authenticator_set.exclude(type="recovery_codes").exists()


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            checked = request.session.get(_CHECKED)
            now = time.time()
            if not (isinstance(checked, (int, float)) and 0 <= now - checked < _RECHECK_SECONDS):
                if access.must_use_second_factor(user) and not _has_second_factor(user):
                    messages.warning(
                        request,
                        _("Your role needs a second factor. Set up an authenticator app or a security key to go on."),
                    )
                    return redirect(reverse("mfa_index"))
                request.session[_CHECKED] = now
        return self.get_response(request)
