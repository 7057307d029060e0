"""The user's API tokens: a list, a form to create one (its secret shown once, on the answer to the form),
and revoking. Only the user's own tokens are ever found: another's is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import tokens
from api.forms import TokenCreateForm


def _page(request, form, *, secret="", status=200):
    return render(
        request, "api/tokens.html",
        {"form": form, "tokens": tokens.tokens_of(request.user), "secret": secret}, status=status,
    )


@login_required
def token_list(request):
    if request.method != "POST":
        return _page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            _token, secret = tokens.api_token_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Rendered, not redirected: the secret is on this answer only, never stored, never in a URL.
            response = _page(request, TokenCreateForm(), secret=secret)
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form, status=400)


@login_required
@require_POST
def token_revoke(request, token_pk):
    token = tokens.tokens_of(request.user).filter(pk=token_pk).first()
    if token is None:
        raise Http404(_("No such token."))
    try:
        tokens.api_token_revoke(by=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens")
