"""The Chief of Mission records and lifts exclusions of persons and units (T/Box 7)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hrddp import access
from hrddp.models import Engagement
from interventions import exclusions as services
from interventions.models import Exclusion


class ExclusionForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, required=False, label="Force, command or unit")
    person = forms.ModelChoiceField(queryset=None, required=False, label="Or a person")
    case = forms.ModelChoiceField(queryset=None, required=False, label="Intervention case", empty_label="None")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, engagement: Engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = services.force_units(engagement).order_by("parent__parent_id", "parent_id", "name")
        self.fields["person"].queryset = services.force_persons(engagement).order_by("full_name", "pk")
        self.fields["case"].queryset = engagement.intervention_cases.all()

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("person")):
            raise forms.ValidationError("Exclude either a unit or a person, one at a time.")
        return data


class LiftForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label="Why lift it")


_WITH_PARTS = Engagement.objects.select_related("office", "recipient__parent__parent")


def _page(request, perms: access.EngagementAccess, form, status=200, lift_errors=None):
    engagement = perms.engagement
    records = (
        engagement.exclusions.select_related("unit__parent__parent", "person__recipient", "excluded_by", "lifted_by", "case")
        .order_by("-excluded_at", "-pk")
    )
    return render(
        request, "interventions/exclusion_list.html",
        {
            "engagement": engagement, "exclusions": records, "form": form, "lift_form": LiftForm(),
            "may_decide": perms.may_decide, "lift_errors": lift_errors or {},
        },
        status=status,
    )


@login_required
def exclusion_list(request, pk):
    """Anyone who sees the engagement reads its exclusions; only the Chief of Mission records one."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    may_decide = perms.may_decide
    if request.method != "POST":
        return _page(request, perms, ExclusionForm(engagement=engagement) if may_decide else None)
    perms.require_decide("Only the Chief of Mission records an exclusion.")
    form = ExclusionForm(request.POST, engagement=engagement)
    if form.is_valid():
        try:
            services.exclusion_record(
                engagement=engagement, by=request.user, reason=form.cleaned_data["reason"],
                person=form.cleaned_data["person"], unit=form.cleaned_data["unit"], case=form.cleaned_data["case"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Exclusion recorded: the excluded are flagged and no new activity may target them.")
            return redirect("exclusion_list", pk=engagement.pk)
    return _page(request, perms, form, status=400)


@login_required
@require_POST
def exclusion_lift(request, pk, exclusion_pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    exclusion = Exclusion.objects.filter(pk=exclusion_pk, engagement=engagement).first()
    if exclusion is None:
        raise Http404("No such exclusion.")
    perms.require_decide("Only the Chief of Mission lifts an exclusion.")
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            services.exclusion_lift(exclusion=exclusion, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Exclusion lifted.")
            return redirect("exclusion_list", pk=engagement.pk)
    errors = [str(e) for e in form.errors.get("__all__", [])] + [str(e) for e in form.errors.get("reason", [])]
    return _page(request, perms, ExclusionForm(engagement=engagement), status=400, lift_errors={exclusion.pk: errors})
