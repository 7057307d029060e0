"""Actions 1–3: screening, preconditions and coordination pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from assessments import services
from assessments.forms import CoordinationForm, PreconditionsForm, ScreeningForm
from hrddp import access
from hrddp.models import Engagement, State

_WITH_PARTS = Engagement.objects.select_related("office", "recipient__parent__parent", "project")


def _editable(request, perms: access.EngagementAccess, state) -> bool:
    """Whether this page's form is open: the right stage, and the user prepares this engagement."""
    editable = perms.engagement.state == state and perms.may_prepare
    if request.method == "POST" and not editable:
        perms.require_prepare()
    return editable


def _closed(request, engagement, stage_label):
    messages.error(request, f"The {stage_label} can only be changed while the engagement is at that stage.")
    return redirect("engagement_detail", pk=engagement.pk)


@login_required
def screening(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    editable = _editable(request, perms, State.SCREENING)
    if request.method == "POST" and not editable:
        return _closed(request, engagement, "screening")
    suggestion = services.screening_suggestion(engagement=engagement)
    record = getattr(engagement, "screening", None)
    initial = {}
    if record is not None:
        for name in services.QUESTIONS:
            initial[name] = getattr(record, name)
            initial[f"{name}_note"] = getattr(record, f"{name}_note")
        initial.update(prudential_assessment=record.prudential_assessment, rationale=record.rationale)
    else:
        initial.update(suggestion)
    form = ScreeningForm(request.POST or None, initial=initial, suggestion=suggestion)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                services.screening_save(
                    engagement=engagement,
                    answers={q: data[q] for q in services.QUESTIONS},
                    notes={q: data[f"{q}_note"].strip() for q in services.QUESTIONS},
                    prudential=data["prudential_assessment"], rationale=data["rationale"].strip(),
                )
            messages.success(request, "Screening saved.")
            return redirect("screening", pk=engagement.pk)
        status = 400
    return render(
        request, "assessments/screening.html",
        {"engagement": engagement, "form": form, "editable": editable, "record": record,
         "activities": engagement.activities.all()},
        status=status,
    )


@login_required
def preconditions(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    editable = _editable(request, perms, State.PRECONDITIONS)
    if request.method == "POST" and not editable:
        return _closed(request, engagement, "preconditions check")
    record = getattr(engagement, "preconditions", None)
    initial = {}
    if record is not None:
        for key, _ in record.CHECKS:
            met, evidence = record.result(key)
            initial[f"{key}_met"], initial[f"{key}_evidence"] = met, evidence
    form = PreconditionsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                services.preconditions_save(engagement=engagement, results=form.results())
            messages.success(request, "Preconditions saved.")
            return redirect("preconditions", pk=engagement.pk)
        status = 400
    return render(
        request, "assessments/preconditions.html",
        {"engagement": engagement, "form": form, "editable": editable, "record": record},
        status=status,
    )


@login_required
def coordination(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    editable = _editable(request, perms, State.COORDINATION)
    if request.method == "POST" and not editable:
        return _closed(request, engagement, "coordination record")
    record = getattr(engagement, "coordination", None)
    if record is not None:
        initial = {f: getattr(record, f) for f in CoordinationForm.base_fields}
    else:
        # The office knows whether its country has a mechanism.
        initial = {"mechanism_exists": engagement.office.has_country_mechanism}
    form = CoordinationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["core_mitigation_measures"] = data["core_mitigation_measures"].strip()
            with transaction.atomic():
                services.coordination_save(engagement=engagement, **data)
            messages.success(request, "Coordination record saved.")
            return redirect("coordination", pk=engagement.pk)
        status = 400
    return render(
        request, "assessments/coordination.html",
        {"engagement": engagement, "form": form, "editable": editable, "record": record},
        status=status,
    )
