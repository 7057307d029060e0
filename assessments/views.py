"""Actions 1–3: screening, preconditions and coordination pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from assessments import services
from assessments.forms import CoordinationForm, PreconditionsForm, ScreeningForm
from assessments.models import CoordinationRecord, PreconditionsCheck, Screening
from hrddp import access
from hrddp.models import Engagement

_WITH_PARTS = Engagement.objects.select_related("office", "recipient__parent__parent", "project")


def _post(request, engagement, form, *, record, save, saved: str, page: str):
    """A posted form: the service saves it when valid. Its refusals come before the form's own errors:
    403 for someone who does not prepare the engagement, and back to the engagement, told why, when it
    is at another stage. None when the form has errors (the page shows them)."""
    try:
        if form.is_valid():
            save(form.cleaned_data)
            messages.success(request, saved)
            return redirect(page, pk=engagement.pk)
        services.action_require_open(by=request.user, engagement=engagement, record=record)
    except services.ActionClosed as exc:
        messages.error(request, exc.message)
        return redirect("engagement_detail", pk=engagement.pk)
    return None


@login_required
def screening(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    editable = services.action_open(perms, record=Screening)
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
        done = _post(
            request, engagement, form, record=Screening, saved="Screening saved.", page="screening",
            save=lambda data: services.screening_save(
                by=request.user, engagement=engagement,
                answers={q: data[q] for q in services.QUESTIONS},
                notes={q: data[f"{q}_note"].strip() for q in services.QUESTIONS},
                prudential=data["prudential_assessment"], rationale=data["rationale"].strip(),
            ),
        )
        if done is not None:
            return done
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
    editable = services.action_open(perms, record=PreconditionsCheck)
    record = getattr(engagement, "preconditions", None)
    initial = {}
    if record is not None:
        for key, _ in record.CHECKS:
            met, evidence = record.result(key)
            initial[f"{key}_met"], initial[f"{key}_evidence"] = met, evidence
    form = PreconditionsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        done = _post(
            request, engagement, form, record=PreconditionsCheck, saved="Preconditions saved.", page="preconditions",
            save=lambda data: services.preconditions_save(by=request.user, engagement=engagement, results=form.results()),
        )
        if done is not None:
            return done
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
    editable = services.action_open(perms, record=CoordinationRecord)
    record = getattr(engagement, "coordination", None)
    if record is not None:
        initial = {f: getattr(record, f) for f in CoordinationForm.base_fields}
    else:
        # The office knows whether its country has a mechanism.
        initial = {"mechanism_exists": engagement.office.has_country_mechanism}
    form = CoordinationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        done = _post(
            request, engagement, form, record=CoordinationRecord, saved="Coordination record saved.",
            page="coordination",
            save=lambda data: services.coordination_save(
                by=request.user, engagement=engagement,
                **{**data, "core_mitigation_measures": data["core_mitigation_measures"].strip()},
            ),
        )
        if done is not None:
            return done
        status = 400
    return render(
        request, "assessments/coordination.html",
        {"engagement": engagement, "form": form, "editable": editable, "record": record},
        status=status,
    )
