"""The sign-in page, the account page (second factors, sessions) and the step held for a re-authentication."""

from __future__ import annotations

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from hrddp import access, reauthentication


class SignInView(auth_views.LoginView):
    """Django's sign-in page, whose password check then goes through allauth's login steps: a user with a
    second factor is asked for it before the session is theirs."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        login = Login(user=user, redirect_url=self.get_success_url())
        return perform_password_login(self.request, {"username": user.get_username()}, login)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_name"] = settings.OIDC_NAME if settings.OIDC_ISSUER else None
        return context


@login_required
@require_GET
def profile(request):
    authenticators = list(request.user.authenticator_set.order_by("type", "created_at"))
    return render(request, "accounts/profile.html", {
        "sessions": selectors.sessions_of(request.user),
        "current_key": request.session.session_key,
        "authenticators": authenticators,
        "has_second_factor": bool(authenticators),
        "must_use_second_factor": access.must_use_second_factor(request.user),
    })


@login_required
@require_POST
def session_end(request, session_id):
    try:
        services.session_revoke(by=request.user, session_id=session_id)
    except services.NoSuchSession:
        raise Http404(_("No such session.")) from None
    messages.success(request, _("The session has ended: that browser is signed out."))
    return redirect("account_profile")


@login_required
@require_GET
def reauthenticate_resume(request):
    """After a re-authentication: the step that asked for it, with what had been typed, to be sent again."""
    pending = request.session.get(reauthentication.PENDING)
    path = str(pending.get("path", "")) if isinstance(pending, dict) else ""
    # Only ever a path of this site (never "//host", which a browser reads as another site).
    if not path.startswith("/") or path.startswith("//"):
        return redirect("engagement_list")
    return render(request, "accounts/resume.html", {
        "path": path, "fields": pending.get("fields", []),
        "shown": [value for key, value in pending.get("fields", []) if key in ("justification", "reason") and value],
    })
