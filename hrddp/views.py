"""Engagement pages. Views parse input, call a service and render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hrddp import access, account, lifecycle, reauthentication, services
from hrddp.diagram import lifecycle_layout
from hrddp.forms import ActivityFormSet, EngagementOpenForm, TransitionForm
from hrddp.http import safe_next
from hrddp.models import Engagement, GovernmentFocalPoint, Project, Recipient
from hrddp.services import EngagementChangedMeanwhile, TransitionRefused

PAGE_SIZE = 50


# What an engagement page shows of it, read with it.
_WITH_PARTS = Engagement.objects.select_related(
    "office", "project", "recipient__parent__parent", "focal_point", "created_by"
)


def _history(engagement):
    return engagement.audit_entries.select_related("actor").order_by("at", "pk")


def _detail_context(request, engagement, **extra):
    choices = lifecycle.choices_for(engagement, request.user)
    history = list(_history(engagement))
    layout = lifecycle_layout()
    visited = {e.from_state for e in history} | {e.to_state for e in history}
    return {
        "engagement": engagement,
        "activities": engagement.activities.all(),
        "history": history,
        # A choice is available when its conditions hold; its role was checked in choices_for.
        "offered": [c for c in choices if c.available],
        "blocked": [c for c in choices if not c.available],
        "by_others": lifecycle.steps_by_others(engagement, choices),
        "layout": layout,
        "visited": visited,
        "form": TransitionForm(initial={"revision": engagement.revision}),
        **extra,
    }


@login_required
def engagement_detail(request, pk):
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    return render(request, "hrddp/engagement_detail.html", _detail_context(request, engagement))


@login_required
def engagement_history(request, pk):
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    return render(request, "hrddp/engagement_history.html", {"engagement": engagement, "history": _history(engagement)})


@login_required
def engagement_transition(request, pk, name):
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    info = lifecycle.transition_info(name)
    if info is None:
        raise Http404("No such step.")
    if not lifecycle.may_attempt(engagement, request.user, name):
        raise PermissionDenied("Your role does not allow this step on this engagement.")
    if request.method == "POST" and name in reauthentication.SENSITIVE_STEPS:
        if (again := reauthentication.ask_again(request)) is not None:
            return again
    form = TransitionForm(request.POST or None, initial={"revision": engagement.revision})
    status, refusals = 200, []
    if request.method != "POST":
        refusals = lifecycle.refusal_reasons(engagement, name)
    elif not form.is_valid():
        status = 400
    else:
        try:
            services.engagement_transition(
                engagement_id=engagement.pk, name=name, by=request.user,
                justification=form.cleaned_data["justification"],
                expected_revision=form.cleaned_data["revision"],
            )
        except EngagementChangedMeanwhile as exc:
            refusals, status = [exc.message], 409
        except TransitionRefused as exc:
            refusals, status = exc.reasons, 400
        else:
            messages.success(request, f"Done: {info.label}.")
            return redirect("engagement_detail", pk=engagement.pk)
    return render(
        request, "hrddp/engagement_transition.html",
        {
            "engagement": engagement, "info": info, "form": form, "refusals": refusals,
            "possible_here": lifecycle.transition_from(engagement, name) is not None,
        },
        status=status,
    )


@login_required
@require_POST
def logout_everywhere(request):
    """End every session of this user, on every device."""
    account.sessions_end_everywhere(by=request.user)
    logout(request)
    messages.info(request, "You have been signed out everywhere.")
    return redirect("login")


@login_required
def engagement_open(request):
    """A project manager opens a new request for support."""
    office_ids = access.project_manager_office_ids(request.user)
    if not office_ids:
        raise PermissionDenied("Only a project manager of an office opens a request.")
    projects = Project.objects.filter(office_id__in=office_ids).select_related("office")
    countries = access.visible_offices(request.user).filter(pk__in=office_ids).values("country")
    recipients = Recipient.objects.filter(country__in=countries).select_related("parent__parent")
    focal_points = GovernmentFocalPoint.objects.filter(office_id__in=office_ids)
    data = request.POST if request.method == "POST" else None
    form = EngagementOpenForm(data, projects=projects, recipients=recipients, focal_points=focal_points)
    activities = ActivityFormSet(data, prefix="activities")
    status = 200
    if request.method == "POST":
        if form.is_valid() and activities.is_valid():
            try:
                engagement = services.engagement_open_request(
                    by=request.user, **form.cleaned_data,
                    activities=[a.cleaned_data for a in activities if a.cleaned_data],
                )
            except ValidationError as exc:
                # A check only the database can make (e.g. a recipient recorded meanwhile).
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"Request {engagement.reference} opened. Start the screening when the activities are complete."
                )
                return redirect("engagement_detail", pk=engagement.pk)
        status = 400
    return render(request, "hrddp/engagement_open.html", {"form": form, "activities": activities}, status=status)


@login_required
def inbox(request):
    notes = request.user.notifications.select_related("engagement").order_by("-created_at", "-pk")
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hrddp/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request):
    """Mark one notification (or, without an id, all of them) as read."""
    notification_id = None
    if request.POST.get("id"):
        if not request.POST["id"].isdigit():
            return HttpResponseBadRequest("No such notification.")
        notification_id = int(request.POST["id"])
    account.notifications_mark_read(by=request.user, notification_id=notification_id)
    return redirect(safe_next(request, request.POST.get("next")) or "inbox")


@login_required
@require_GET
def help_page(request):
    """What the policy asks at each Action, who does what, and how to try the demo."""
    return render(request, "hrddp/help.html", {"debug": settings.DEBUG})
