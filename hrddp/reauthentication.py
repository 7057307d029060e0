"""Sensitive steps ask who is there again: approving, suspending and ceasing support, granting
confidential access and issuing a letter need a password or second-factor check made within the last
REAUTHENTICATE_AFTER_MINUTES.

The moment of the last check is kept in the session: set at sign-in (any sign-in, Django's user_logged_in)
and at each re-authentication (accounts.signals). A view calls `ask_again(request)` once it knows the user
may take the step; a stale check answers with a redirect to the re-authentication page. The form that was
posted (a justification, a reason) is kept in the session meanwhile, and shown again to be sent once the
identity is confirmed, so nothing typed is lost.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

CHECKED_AT = "hrddp_identity_checked_at"
PENDING = "hrddp_pending_step"

# The engagement steps that count as sensitive (the names of their transitions).
SENSITIVE_STEPS = frozenset({"approve_support", "suspend", "cease"})
# Fields of a held form that are not shown again or are re-made on the page.
_NOT_KEPT = {"csrfmiddlewaretoken"}


def mark_checked(request) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[CHECKED_AT] = time.time()


def is_fresh(request) -> bool:
    checked = request.session.get(CHECKED_AT)
    if not isinstance(checked, (int, float)):
        return False
    return time.time() - checked <= settings.REAUTHENTICATE_AFTER_MINUTES * 60


def ask_again(request):
    """None when the identity was checked recently enough; else a redirect to the re-authentication page,
    with the posted form held to be sent again afterwards."""
    if is_fresh(request):
        return None
    if request.method == "POST":
        request.session[PENDING] = {
            "path": request.path,
            "fields": [[key, value] for key, values in request.POST.lists() if key not in _NOT_KEPT for value in values],
        }
        after = reverse("reauthenticate_resume")
    else:
        after = request.get_full_path()
    return HttpResponseRedirect(f"{reverse('account_reauthenticate')}?{urlencode({'next': after})}")
