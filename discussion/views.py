"""Writing in the discussion of a record. Reading it is part of each record's page (discussion.panels)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from discussion import services, targets
from discussion.models import Comment
from hrddp import access
from hrddp.http import safe_next


def _back(request, engagement) -> str:
    wanted = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, wanted) or reverse("engagement_detail", args=[engagement.pk])


@login_required
@require_POST
def comment_new(request, pk):
    engagement = access.engagement_for_request(request, pk).engagement
    target = targets.find(request.POST.get("target"), request.POST.get("target_id"), engagement)
    if target is None:
        raise Http404("No such record on this engagement.")
    access.require_comment(request.user, engagement)
    try:
        comment = services.comment_add(by=request.user, target=target, body=request.POST.get("body", ""))
    except ValidationError as exc:
        return render(
            request, "discussion/comment_form.html",
            {"engagement": engagement, "errors": exc.messages, "body": request.POST.get("body", ""),
             "back": _back(request, engagement), "target_key": request.POST.get("target"),
             "target_id": target.pk, "action": reverse("comment_new", args=[engagement.pk])},
            status=400,
        )
    messages.success(request, _("Comment added."))
    return redirect(f"{_back(request, engagement)}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit_view(request, pk, comment_pk):
    engagement = access.engagement_for_request(request, pk).engagement
    comment = Comment.objects.filter(engagement=engagement, pk=comment_pk).select_related("engagement").first()
    if comment is None:
        raise Http404("No such comment.")
    access.require_comment(request.user, engagement)
    if comment.author_id != request.user.pk:
        raise Http404("No such comment of yours.")
    errors, status, body = [], 200, comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.comment_edit(by=request.user, comment=comment, body=body)
        except ValidationError as exc:
            errors, status = exc.messages, 400
        else:
            messages.success(request, _("Comment changed; the earlier text stays visible under it."))
            return redirect(f"{_back(request, engagement)}#comment-{comment.pk}")
    return render(
        request, "discussion/comment_form.html",
        {"engagement": engagement, "errors": errors, "body": body, "back": _back(request, engagement),
         "comment": comment, "action": reverse("comment_edit", args=[engagement.pk, comment.pk])},
        status=status,
    )
