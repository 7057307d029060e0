"""Action 5 and the approval of support."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Value
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hrddp import access
from hrddp.models import Engagement
from mitigation import services
from mitigation.forms import CatalogueForm, MeasureFormSet, PlanForm
from mitigation.models import (
    InterventionProcedure,
    LetterKind,
    MeasureStatus,
    MeasureTemplate,
    MitigationMeasure,
    MitigationPlan,
)
from mitigation.procedure import ProcedureForm

_WITH_PARTS = Engagement.objects.select_related("office", "project", "recipient")


def _factor_coverage(assessment, plan):
    """Each risk factor of the current assessment with how many live measures target it."""
    if assessment is None or plan is None:
        return []
    if plan.pk is None:  # a plan not yet saved targets nothing
        return list(assessment.risk_factors.annotate(measure_count=Value(0)))
    return list(
        assessment.risk_factors.annotate(
            measure_count=Count(
                "measures", filter=Q(measures__plan=plan) & ~Q(measures__status=MeasureStatus.DROPPED), distinct=True
            )
        )
    )


@login_required
def mitigation_plan(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    refusal = services.plan_editable_refusal(engagement=engagement)
    editable = not refusal and perms.may_prepare
    if request.method == "POST":
        perms.require_prepare()
        if refusal:
            messages.error(request, refusal)
            return redirect("mitigation_plan", pk=engagement.pk)
    plan = MitigationPlan.objects.filter(engagement=engagement).first()
    if plan is None and editable:
        # A plan not yet written is shown empty and created by its first save: reading the page writes nothing.
        plan = MitigationPlan(engagement_id=engagement.pk)  # by id: the engagement must not take it for its plan
    assessment = engagement.current_assessment
    factors = assessment.risk_factors.all() if assessment is not None else None
    data = request.POST if request.method == "POST" else None
    plan_form = PlanForm(data, instance=plan, prefix="plan")
    formset = None
    if plan is not None:
        formset = MeasureFormSet(
            data, instance=plan, prefix="measures", factors=factors,
            persons=services.excludable_persons(engagement) if editable else None,
            queryset=(
                plan.measures.select_related("excludes_person").prefetch_related("risk_factors")
                if plan.pk else MitigationMeasure.objects.none()
            ),
        )
    status, save_problems = 200, []
    if request.method == "POST":
        if plan_form.is_valid() and formset.is_valid():
            try:
                services.plan_save(
                    by=request.user, engagement=engagement,
                    fields={name: plan_form.cleaned_data[name] for name in services.PLAN_FIELDS},
                    measures=formset.rows(),
                )
            except services.NotEditable as refused:
                messages.error(request, refused.message)
                return redirect("mitigation_plan", pk=engagement.pk)
            except ValidationError as refused:
                # What only the service can check (e.g. a person who left the recipient's force meanwhile).
                save_problems = refused.messages
            else:
                messages.success(request, "Mitigation plan saved.")
                return redirect("mitigation_plan", pk=engagement.pk)
        status = 400
    return render(
        request, "mitigation/plan.html",
        {
            "engagement": engagement, "plan": plan, "plan_form": plan_form, "formset": formset, "editable": editable,
            "save_problems": save_problems,
            "assessment": assessment, "coverage": _factor_coverage(assessment, plan),
            "catalogue_form": CatalogueForm(prefix="catalogue") if editable else None,
        },
        status=status,
    )


@login_required
@require_POST
def add_from_catalogue(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    perms.require_prepare()
    refusal = services.plan_editable_refusal(engagement=engagement)
    if refusal:
        messages.error(request, refusal)
        return redirect("mitigation_plan", pk=engagement.pk)
    form = CatalogueForm(request.POST, prefix="catalogue")
    if form.is_valid():
        try:
            added = services.plan_add_from_catalogue(
                by=request.user, engagement=engagement, templates=list(form.cleaned_data["templates"])
            )
        except services.NotEditable as refused:
            messages.error(request, refused.message)
            return redirect("mitigation_plan", pk=engagement.pk)
        messages.success(request, f"{len(added)} measure(s) added from the catalogue: choose the risk factors each targets.")
    else:
        messages.error(request, "Choose at least one measure from the catalogue.")
    return redirect("mitigation_plan", pk=engagement.pk)


@login_required
def catalogue(request, pk):
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    return render(request, "mitigation/catalogue.html", {"engagement": engagement, "templates": MeasureTemplate.objects.all()})


@login_required
def approval(request, pk):
    """The internal intervention procedure (T/Box 7), the notification letter and the approval."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    procedure = InterventionProcedure.objects.filter(engagement=engagement).first()
    refusal = services.procedure_editable_refusal(engagement=engagement)
    editable = not refusal and perms.may_prepare
    if request.method == "POST":
        perms.require_prepare()
        if refusal:
            messages.error(request, refusal)
            return redirect("approval", pk=engagement.pk)
    if procedure is None:
        # Start from the engagement's own focal point and, often, its project manager.
        procedure = InterventionProcedure(
            engagement=engagement, recipient_focal_point=engagement.focal_point,
            monitoring_responsible=engagement.created_by,
        )
    form = ProcedureForm(request.POST or None, instance=procedure, engagement=engagement)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.procedure_save(
                    by=request.user, engagement=engagement,
                    **{name: form.cleaned_data[name] for name in services.PROCEDURE_FIELDS},
                )
            except services.NotEditable as refused:
                messages.error(request, refused.message)
                return redirect("approval", pk=engagement.pk)
            messages.success(request, "Intervention procedure saved.")
            return redirect("approval", pk=engagement.pk)
        status = 400
    letters = engagement.letters.filter(kind=LetterKind.NOTIFICATION).select_related("issued_by")
    return render(
        request, "mitigation/approval.html",
        {"engagement": engagement, "form": form, "editable": editable, "procedure": procedure if procedure.pk else None,
         "letters": letters,
         "plan": MitigationPlan.objects.filter(engagement=engagement).first()},
        status=status,
    )
