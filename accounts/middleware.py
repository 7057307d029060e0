"""Whoever must use a second factor (hrddp.access.must_use_second_factor) reaches only its enrolment until
they have one: a stolen password alone then opens nothing of a decision maker's or a confidential reader's."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from hrddp import access

# Where such a user may still go: the second-factor pages, re-authentication (enrolling asks for it), and
# signing out; static files are served before this.
_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/static/")


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
            and access.must_use_second_factor(user)
            and not user.authenticator_set.exclude(type="recovery_codes").exists()
        ):
            messages.warning(
                request,
                _("Your role needs a second factor. Set up an authenticator app or a security key to go on."),
            )
            return redirect(reverse("mfa_index"))
        return self.get_response(request)
