"""Incident pages of one engagement (Action 6). Views parse input, call a service and render.

Another office's engagement, or an incident of another engagement, is 'not
found' (404); an action the user's role does not allow is 'forbidden' (403).
Every output shows incidents through monitoring.incidents.IncidentPresenter,
which redacts the confidential details.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.pdf import pdf_response
from hrddp import access
from hrddp.models import DECIDE, PREPARE, Engagement
from monitoring import incidents
from monitoring.forms import ConfidentialGrantForm, IncidentFilterForm, IncidentForm, incident_initial
from monitoring.models import Incident

PAGE_SIZE = 50


def _engagement(request, pk) -> Engagement:
    return access.get_engagement_or_404(
        request.user, pk, Engagement.objects.select_related("office", "project", "recipient__parent__parent")
    )


def _incident(request, pk, incident_pk) -> tuple[Engagement, Incident]:
    engagement = _engagement(request, pk)
    incident = get_object_or_404(incidents.incidents_for_output(engagement), pk=incident_pk)
    incident.engagement = engagement
    return engagement, incident


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def incident_list(request, pk):
    engagement = _engagement(request, pk)
    form = IncidentFilterForm(request.GET or None)
    filters = form.filters()
    found = incidents.incidents_filtered(incidents.incidents_for_output(engagement), **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    presenter = incidents.IncidentPresenter.for_user(request.user, engagement)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "monitoring/incident_list.html",
        {
            "engagement": engagement, "form": form, "page": page,
            "records": [presenter.present(incident) for incident in page],
            "query": query.urlencode(), "filtered": any(filters.values()),
            "may_log": access.user_may(request.user, PREPARE, engagement),
            "may_see_confidential": presenter.confidential,
        },
    )


def _form_page(request, engagement, form, *, title, incident=None, status=200):
    return render(
        request, "monitoring/incident_form.html",
        {
            "engagement": engagement, "form": form, "title": title, "incident": incident,
            "may_see_confidential": incidents.may_see_confidential(request.user, engagement),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request, pk):
    engagement = _engagement(request, pk)
    access.require_may(request.user, PREPARE, engagement)
    # Whoever logs an allegation may write its confidential details (they hold them already);
    # reading them back afterwards needs the grant.
    form = IncidentForm(request.POST or None, engagement=engagement, confidential=True)
    if request.method == "POST" and form.is_valid():
        data, persons = form.service_data()
        try:
            incident = incidents.incident_log(engagement=engagement, by=request.user, data=data, persons=persons)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            note = " The Chief of Mission and HQ have been alerted." if incident.escalated_at else ""
            messages.success(request, f"Incident of {incident.occurred_on:%d %B %Y} logged.{note}")
            return redirect("incident_detail", pk=engagement.pk, incident_pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, engagement, form, title="Log an incident", status=status)


@login_required
@require_GET
def incident_detail(request, pk, incident_pk):
    engagement, incident = _incident(request, pk, incident_pk)
    presenter = incidents.IncidentPresenter.for_user(request.user, engagement)
    return render(
        request, "monitoring/incident_detail.html",
        {
            "engagement": engagement, "record": presenter.present(incident),
            "commanders": incidents.incident_commanders(incident),
            "may_edit": access.user_may(request.user, PREPARE, engagement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request, pk, incident_pk):
    engagement, incident = _incident(request, pk, incident_pk)
    access.require_may(request.user, PREPARE, engagement)
    confidential = incidents.may_see_confidential(request.user, engagement)
    form = IncidentForm(
        request.POST or None, initial=incident_initial(incident, confidential=confidential),
        engagement=engagement, confidential=confidential,
    )
    if request.method == "POST" and form.is_valid():
        data, persons = form.service_data()
        try:
            incidents.incident_update(incident=incident, by=request.user, data=data, persons=persons)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Incident saved.")
            return redirect("incident_detail", pk=engagement.pk, incident_pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, engagement, form, title=f"Edit the incident of {incident.occurred_on:%d %B %Y}", incident=incident,
        status=status,
    )


@login_required
@require_GET
def incident_export(request, pk):
    """The engagement's incidents (as filtered on the list) as CSV, redacted as the user must see them."""
    engagement = _engagement(request, pk)
    filters = IncidentFilterForm(request.GET or None).filters()
    found = incidents.incidents_filtered(incidents.incidents_for_output(engagement), **filters)
    presenter = incidents.IncidentPresenter.for_user(request.user, engagement)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{engagement.reference}-incidents.csv"'
    # A byte-order mark so that spreadsheets read the file as UTF-8.
    response.write("\ufeff")
    incidents.incidents_write_csv(response, found, presenter)
    return _no_store(response)


@login_required
@require_GET
def incident_pdf(request, pk, incident_pk):
    """One incident record as a PDF, redacted as the user must see it."""
    engagement, incident = _incident(request, pk, incident_pk)
    presenter = incidents.IncidentPresenter.for_user(request.user, engagement)
    content = incidents.incident_render_pdf(incident=incident, presenter=presenter, by=request.user)
    return pdf_response(content, filename=f"{engagement.reference}-incident-{incident.pk}.pdf", inline=False)


def _access_page(request, engagement, form=None, *, status=200, refusals=()):
    may_decide = access.user_may(request.user, DECIDE, engagement)
    return render(
        request, "monitoring/incident_confidential_access.html",
        {
            "engagement": engagement, "holders": incidents.confidential_access_holders(engagement),
            "may_decide": may_decide, "form": form or (ConfidentialGrantForm(engagement=engagement) if may_decide else None),
            "refusals": list(refusals),
            "you_see": incidents.may_see_confidential(request.user, engagement),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_confidential_access(request, pk):
    """Who reads the engagement's confidential incident details; the Chief of Mission grants it."""
    engagement = _engagement(request, pk)
    if request.method != "POST":
        return _access_page(request, engagement)
    access.require_may(request.user, DECIDE, engagement)
    form = ConfidentialGrantForm(request.POST, engagement=engagement)
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            incidents.confidential_access_grant(
                engagement=engagement, user=user, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{user} can now read the confidential details of this engagement's incidents.")
            return redirect("incident_confidential_access", pk=engagement.pk)
    return _access_page(request, engagement, form, status=400)


@login_required
@require_POST
def incident_confidential_revoke(request, pk, user_pk):
    engagement = _engagement(request, pk)
    access.require_may(request.user, DECIDE, engagement)
    # Only a holder of the grant can lose it; anyone else is 'not found' here.
    user = next((u for u in incidents.confidential_access_holders(engagement) if u.pk == user_pk), None)
    if user is None:
        raise Http404("This person holds no confidential access on this engagement.")
    try:
        incidents.confidential_access_revoke(
            engagement=engagement, user=user, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        return _access_page(request, engagement, status=400, refusals=exc.messages)
    messages.success(request, f"{user} no longer reads the confidential details of this engagement's incidents.")
    return redirect("incident_confidential_access", pk=engagement.pk)
