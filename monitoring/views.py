"""Incident pages of one engagement (Action 6). Views parse input, call a service and render.

Another office's engagement, or an incident of another engagement, is 'not
found' (404); an action the user's role does not allow is 'forbidden' (403).
Every output shows incidents through monitoring.incident_output.IncidentPresenter,
which redacts the confidential details.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.pdf import pdf_response
from hrddp import access, reauthentication
from hrddp.models import Engagement
from monitoring.confidential_access import confidential_access_grant, confidential_access_revoke
from monitoring.determinations import (
    corroborating_source_add,
    determination_in_force,
    determination_refusals,
    grave_violation_determination_withdraw,
    grave_violation_determine,
)
from monitoring.forms import (
    ConfidentialGrantForm,
    CorroboratingSourceForm,
    DeterminationForm,
    IncidentFilterForm,
    IncidentForm,
    WithdrawalForm,
    incident_initial,
)
from monitoring.incident_output import IncidentPresenter, incident_render_pdf, incidents_write_csv
from monitoring.incident_selectors import incident_commanders, incidents_filtered, incidents_for_output
from monitoring.incident_services import incident_log, incident_update
from monitoring.models import GraveViolationDetermination, Incident

PAGE_SIZE = 50


_WITH_PARTS = Engagement.objects.select_related("office", "project", "recipient__parent__parent")


def _incident(request, pk, incident_pk) -> tuple[access.EngagementAccess, Incident]:
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    incident = get_object_or_404(incidents_for_output(perms.engagement), pk=incident_pk)
    incident.engagement = perms.engagement
    return perms, incident


@login_required
@require_GET
def incident_list(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    form = IncidentFilterForm(request.GET or None)
    filters = form.filters()
    found = incidents_filtered(incidents_for_output(engagement), **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    presenter = IncidentPresenter.for_user(request.user, engagement)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "monitoring/incident_list.html",
        {
            "engagement": engagement, "form": form, "page": page,
            "records": [presenter.present(incident) for incident in page],
            "query": query.urlencode(), "filtered": any(filters.values()),
            "may_log": perms.may_prepare,
            "may_see_confidential": presenter.confidential,
        },
    )


def _form_page(request, perms: access.EngagementAccess, form, *, title, incident=None, status=200):
    return render(
        request, "monitoring/incident_form.html",
        {
            "engagement": perms.engagement, "form": form, "title": title, "incident": incident,
            "may_see_confidential": perms.may_see_confidential,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    perms.require_prepare()
    # Whoever logs an allegation may write its confidential details (they hold them already);
    # reading them back afterwards needs the grant.
    form = IncidentForm(request.POST or None, engagement=engagement, confidential=True)
    if request.method == "POST" and form.is_valid():
        data, persons = form.service_data()
        try:
            incident = incident_log(engagement=engagement, by=request.user, data=data, persons=persons)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            note = " The Chief of Mission and HQ have been alerted." if incident.escalated_at else ""
            messages.success(request, f"Incident of {incident.occurred_on:%d %B %Y} logged.{note}")
            return redirect("incident_detail", pk=engagement.pk, incident_pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, perms, form, title="Log an incident", status=status)


def _detail_page(request, perms: access.EngagementAccess, incident, *, status=200, **forms):
    engagement = perms.engagement
    prefetch_related_objects(
        [incident], "corroborating_sources",
        Prefetch(
            "determinations",
            queryset=GraveViolationDetermination.objects.select_related("determined_by", "withdrawn_by"),
        ),
    )
    presenter = IncidentPresenter.for_user(request.user, engagement)
    in_force = determination_in_force(incident)
    may_decide = perms.may_decide
    return render(
        request, "monitoring/incident_detail.html",
        {
            "engagement": engagement, "incident": incident, "record": presenter.present(incident),
            "commanders": incident_commanders(incident),
            "may_edit": perms.may_prepare,
            "determinations": list(incident.determinations.all()), "in_force": in_force,
            "refusals": determination_refusals(incident),
            "sources": list(incident.corroborating_sources.all()),
            "may_decide": may_decide, "may_add_source": perms.may_prepare_or_decide,
            "determination_form": forms.get("determination_form") or (DeterminationForm() if may_decide else None),
            "withdrawal_form": forms.get("withdrawal_form") or (WithdrawalForm() if may_decide else None),
            "source_form": forms.get("source_form") or CorroboratingSourceForm(),
        },
        status=status,
    )


@login_required
@require_GET
def incident_detail(request, pk, incident_pk):
    perms, incident = _incident(request, pk, incident_pk)
    return _detail_page(request, perms, incident)


@login_required
@require_POST
def incident_determine(request, pk, incident_pk):
    """The Chief of Mission determines a grave violation on reliable information (P¶26)."""
    perms, incident = _incident(request, pk, incident_pk)
    perms.require_decide("Only the Chief of Mission (or a delegate) determines a grave violation.")
    form = DeterminationForm(request.POST)
    if form.is_valid():
        try:
            grave_violation_determine(by=request.user, incident=incident, reasons=form.cleaned_data["reasons"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Grave violation determined on reliable information (P¶26).")
            return redirect("incident_detail", pk=pk, incident_pk=incident.pk)
    return _detail_page(request, perms, incident, determination_form=form, status=400)


@login_required
@require_POST
def incident_determination_withdraw(request, pk, incident_pk, determination_pk):
    """The Chief of Mission records that a determination was mistaken."""
    perms, incident = _incident(request, pk, incident_pk)
    determination = get_object_or_404(incident.determinations, pk=determination_pk)
    perms.require_decide("Only the Chief of Mission (or a delegate) withdraws a determination.")
    determination.incident = incident
    form = WithdrawalForm(request.POST)
    if form.is_valid():
        try:
            grave_violation_determination_withdraw(
                by=request.user, determination=determination, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Determination withdrawn.")
            return redirect("incident_detail", pk=pk, incident_pk=incident.pk)
    return _detail_page(request, perms, incident, withdrawal_form=form, status=400)


@login_required
@require_POST
def incident_source_add(request, pk, incident_pk):
    """Another graded source of the incident's information."""
    perms, incident = _incident(request, pk, incident_pk)
    perms.require_prepare_or_decide("Only the engagement's project manager or Chief of Mission adds a source.")
    form = CorroboratingSourceForm(request.POST)
    if form.is_valid():
        try:
            corroborating_source_add(by=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Source added.")
            return redirect("incident_detail", pk=pk, incident_pk=incident.pk)
    return _detail_page(request, perms, incident, source_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request, pk, incident_pk):
    perms, incident = _incident(request, pk, incident_pk)
    engagement = perms.engagement
    perms.require_prepare()
    confidential = perms.may_see_confidential
    form = IncidentForm(
        request.POST or None, initial=incident_initial(incident, confidential=confidential),
        engagement=engagement, confidential=confidential,
    )
    if request.method == "POST" and form.is_valid():
        data, persons = form.service_data()
        try:
            incident_update(incident=incident, by=request.user, data=data, persons=persons)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Incident saved.")
            return redirect("incident_detail", pk=engagement.pk, incident_pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, perms, form, title=f"Edit the incident of {incident.occurred_on:%d %B %Y}", incident=incident,
        status=status,
    )


@login_required
@require_GET
def incident_export(request, pk):
    """The engagement's incidents (as filtered on the list) as CSV, redacted as the user must see them."""
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    filters = IncidentFilterForm(request.GET or None).filters()
    found = incidents_filtered(incidents_for_output(engagement), **filters)
    presenter = IncidentPresenter.for_user(request.user, engagement)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{engagement.reference}-incidents.csv"'
    # A byte-order mark so that spreadsheets read the file as UTF-8.
    response.write("\ufeff")
    incidents_write_csv(response, found, presenter)
    return response


@login_required
@require_GET
def incident_pdf(request, pk, incident_pk):
    """One incident record as a PDF, redacted as the user must see it."""
    perms, incident = _incident(request, pk, incident_pk)
    engagement = perms.engagement
    presenter = IncidentPresenter.for_user(request.user, engagement)
    content = incident_render_pdf(incident=incident, presenter=presenter, by=request.user)
    return pdf_response(content, filename=f"{engagement.reference}-incident-{incident.pk}.pdf", inline=False)


def _access_page(request, perms: access.EngagementAccess, form=None, *, status=200, refusals=()):
    engagement = perms.engagement
    may_decide = perms.may_decide
    return render(
        request, "monitoring/incident_confidential_access.html",
        {
            "engagement": engagement, "holders": access.confidential_access_holders(engagement),
            "may_decide": may_decide, "form": form or (ConfidentialGrantForm(engagement=engagement) if may_decide else None),
            "refusals": list(refusals),
            "you_see": perms.may_see_confidential,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_confidential_access(request, pk):
    """Who reads the engagement's confidential incident details; the Chief of Mission grants it."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    if request.method != "POST":
        return _access_page(request, perms)
    perms.require_decide()
    if (again := reauthentication.ask_again(request)) is not None:
        return again
    form = ConfidentialGrantForm(request.POST, engagement=engagement)
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            confidential_access_grant(
                engagement=engagement, user=user, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{user} can now read the confidential details of this engagement's incidents.")
            return redirect("incident_confidential_access", pk=engagement.pk)
    return _access_page(request, perms, form, status=400)


@login_required
@require_POST
def incident_confidential_revoke(request, pk, user_pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    perms.require_decide()
    # Only a holder of the grant can lose it; anyone else is 'not found' here.
    user = next((u for u in access.confidential_access_holders(engagement) if u.pk == user_pk), None)
    if user is None:
        raise Http404("This person holds no confidential access on this engagement.")
    try:
        confidential_access_revoke(
            engagement=engagement, user=user, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        return _access_page(request, perms, status=400, refusals=exc.messages)
    messages.success(request, f"{user} no longer reads the confidential details of this engagement's incidents.")
    return redirect("incident_confidential_access", pk=engagement.pk)
