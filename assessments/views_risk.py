"""Action 4 pages: writing the risk assessment, its versions, and the Chief of Mission's review.

Views parse input, call a service and render. Another office's engagement is
'not found'; writing is the project manager's (hrddp.access.may_prepare; 403 without).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assessments import risk
from assessments.element_panels import element_panels
from assessments.forms_risk import RiskAssessmentForms
from assessments.models import AssessmentStatus, RiskAssessment, RiskElement
from hrddp import access
from hrddp.models import Engagement, State
from hrddp.services import EngagementChangedMeanwhile, TransitionRefused, engagement_transition

LETTER_KIND_UNLESS_AND_UNTIL = "unless_and_until"


_WITH_OFFICE = Engagement.objects.select_related("office")


def _versions(engagement: Engagement):
    return engagement.assessments.select_related("created_by", "decided_by").order_by("-version")


def _with_contents(queryset):
    return queryset.prefetch_related("elements", "sources", "risk_factors")


def _latest(engagement: Engagement) -> RiskAssessment | None:
    return _with_contents(_versions(engagement)).first()


def _posted_revision(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _reading(assessment: RiskAssessment, panels: dict[str, list[dict]] | None = None) -> dict:
    """The version laid out for reading: each element with its answer, sources and risk factors (and, on the
    page where the latest version is written, the panels later apps show beside it)."""
    answers = {e.element: e for e in assessment.elements.all()}
    sources, factors = defaultdict(list), defaultdict(list)
    for source in assessment.sources.all():
        sources[source.element].append(source)
    for factor in assessment.risk_factors.all():
        factors[factor.element].append(factor)
    return {
        "element_rows": [
            {"number": number, "value": value, "label": label, "answer": answers.get(value),
             "sources": sources.get(value, []), "factors": factors.get(value, []),
             "panels": (panels or {}).get(value, [])}
            for number, (value, label) in enumerate(RiskElement.choices, start=1)
        ],
        "general_sources": sources.get("", []),
        "general_factors": factors.get("", []),
        "source_count": sum(len(rows) for rows in sources.values()),
        "factor_count": sum(len(rows) for rows in factors.values()),
    }


def _decision_context(perms: access.EngagementAccess, assessment: RiskAssessment | None, latest: bool) -> dict:
    """What the review box shows: the COM's steps while awaiting endorsement, the P¶16 letter after a decline."""
    engagement = perms.engagement
    may_decide = perms.may_decide
    may_act = may_decide or perms.may_prepare
    declined = (
        latest and assessment is not None and engagement.state == State.DECLINED
        and assessment.status == AssessmentStatus.DECLINED
    )
    return {
        "may_decide": may_decide,
        "reviewing": latest and assessment is not None and engagement.state == State.ENDORSEMENT,
        "declined": declined,
        "letter_url": (
            f"{reverse('engagement_detail', args=[engagement.pk])}letters/new/?kind={LETTER_KIND_UNLESS_AND_UNTIL}"
            if declined and may_act else ""
        ),
    }


def _edit_page(request, perms: access.EngagementAccess, assessment, *, forms=None, editable=False, status=200, **extra):
    engagement = perms.engagement
    context = {
        "engagement": engagement,
        "assessment": assessment,
        "forms": forms,
        "editable": editable,
        "revision": engagement.revision,
        "errors": [],
        "problems": [],
        "refusals": [],
        **_decision_context(perms, assessment, latest=True),
        **extra,
    }
    if assessment is not None:
        # What later apps know beside the elements (the register's record beside element 2, P¶14(a)).
        panels = element_panels(engagement, request.user)
        for form in forms.elements if forms is not None else []:
            form.panels = panels.get(form.element, [])
        context["reading"] = _reading(assessment, panels)
        context["missing"] = assessment.missing_for_submission() if editable else []
    return render(request, "assessments/risk_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_edit(request, pk):
    """The latest version: a form while it is a draft being written, read-only otherwise."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_OFFICE)
    engagement = perms.engagement
    if request.method == "POST":
        perms.require_prepare()
    assessment = _latest(engagement)
    refusal = (
        "No risk assessment has been started: it opens when the coordination step (Action 3) is complete."
        if assessment is None
        else risk.assessment_editable_refusal(assessment=assessment, engagement=engagement, latest_version=assessment.version)
    )
    editable = not refusal and perms.may_prepare
    if request.method != "POST":
        forms = RiskAssessmentForms(assessment=assessment) if editable else None
        return _edit_page(request, perms, assessment, forms=forms, editable=editable)

    if assessment is None:
        return _edit_page(request, perms, None, problems=[refusal], status=409)
    submitting = request.POST.get("action") == "submit"
    forms = RiskAssessmentForms(request.POST, assessment=assessment, submitting=submitting)
    posted_revision = _posted_revision(request)
    if refusal:
        # Kept on the page, without buttons, so that nothing typed is lost.
        return _edit_page(request, perms, assessment, forms=forms, problems=[refusal], status=409, unsaved=True)
    if not forms.is_valid():
        return _edit_page(
            request, perms, assessment, forms=forms, editable=True, errors=forms.error_items(),
            revision=posted_revision, status=400,
        )
    try:
        risk.assessment_save_draft(assessment=assessment, **forms.draft(), by=request.user, expected_revision=posted_revision)
    except (EngagementChangedMeanwhile, risk.AssessmentNotEditable) as exc:
        return _edit_page(request, perms, assessment, forms=forms, problems=[exc.message], status=409, unsaved=True)
    except ValidationError as exc:
        return _edit_page(
            request, perms, assessment, forms=forms, editable=True, problems=exc.messages,
            revision=posted_revision, status=400,
        )
    if not submitting:
        messages.success(request, f"Draft of version {assessment.version} saved.")
        return redirect("risk_assessment_edit", pk=engagement.pk)

    try:
        engagement_transition(
            engagement_id=engagement.pk, name="submit_assessment", by=request.user,
            justification=forms.submit_note, expected_revision=posted_revision,
        )
    except TransitionRefused as exc:
        saved = _latest(engagement)
        fresh = RiskAssessmentForms(assessment=saved)
        fresh.final.initial["submit_note"] = forms.submit_note
        return _edit_page(
            request, perms, saved, forms=fresh, editable=True, refusals=exc.reasons, revision=posted_revision,
            status=400,
        )
    except EngagementChangedMeanwhile as exc:
        messages.error(request, f"Your draft was saved, but it was not submitted. {exc.message}")
        return redirect("risk_assessment_edit", pk=engagement.pk)
    messages.success(request, f"Version {assessment.version} submitted to the Chief of Mission for endorsement.")
    return redirect("risk_assessment_version", pk=engagement.pk, version=assessment.version)


@login_required
@require_safe
def assessment_versions(request, pk):
    """Every version of the risk assessment, latest first."""
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_OFFICE).engagement
    return render(
        request, "assessments/risk_versions.html",
        {"engagement": engagement, "versions": list(_versions(engagement))},
    )


@login_required
@require_safe
def assessment_version(request, pk, version):
    """One version, read-only: exactly what was submitted, endorsed or declined; the review steps while awaited."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_OFFICE)
    engagement = perms.engagement
    versions = list(engagement.assessments.order_by("version").values_list("version", "created_at"))
    numbers = [number for number, _ in versions]
    if version not in numbers:
        raise Http404("No such version of the risk assessment.")
    assessment = _with_contents(_versions(engagement)).get(version=version)
    latest = version == numbers[-1]
    after = [created for number, created in versions if number > version]
    entries = engagement.audit_entries.filter(action__in=risk.ASSESSMENT_STEPS, at__gte=assessment.created_at)
    if after:
        entries = entries.filter(at__lt=after[0])
    editable = latest and not risk.assessment_editable_refusal(
        assessment=assessment, engagement=engagement, latest_version=version
    ) and perms.may_prepare
    return render(
        request, "assessments/risk_version.html",
        {
            "engagement": engagement,
            "assessment": assessment,
            "numbers": numbers,
            "latest": latest,
            "editable": editable,
            "trail": entries.select_related("actor").order_by("at", "pk"),
            "reading": _reading(assessment),
            **_decision_context(perms, assessment, latest),
        },
    )
