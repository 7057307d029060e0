"""The way out of the commanders' rule: the Chief of Mission records why support may go on (P¶16)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from hrddp import access
from hrddp.models import Engagement
from mitigation.models import MeasureStatus, MitigationMeasure
from register import rules
from register.forms_rules import SupportContinuationForm
from register.rules_services import BEFORE_PLAN_STATES, support_continuation_record

_WITH_PARTS = Engagement.objects.select_related("office", "project", "recipient")


def _int_or_none(text) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


@login_required
def support_continuation_new(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    perms.require_decide("Only the Chief of Mission records why support may go on.")
    engagement = perms.engagement
    flags = rules.commander_flags(engagement)
    measures = list(
        MitigationMeasure.objects.filter(plan__engagement_id=engagement.pk, excludes_person__isnull=False)
        .exclude(status=MeasureStatus.DROPPED)
        .select_related("excludes_person")
        .order_by("pk")
    )
    by_person = {flag.person.pk: flag for flag in flags}
    chosen = by_person.get(_int_or_none(request.POST.get("person") if request.method == "POST" else request.GET.get("person")))
    initial = {}
    if chosen is not None:
        initial["person"] = chosen.person.pk
        theirs = [m for m in measures if m.excludes_person_id == chosen.person.pk]
        if len(theirs) == 1:
            initial["measure"] = theirs[0].pk
    form = SupportContinuationForm(
        request.POST if request.method == "POST" else None, flags=flags, measures=measures, initial=initial,
        measure_required=engagement.state not in BEFORE_PLAN_STATES,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            measure = next((m for m in measures if m.pk == data.get("measure")), None)
            try:
                support_continuation_record(
                    by=request.user, engagement=engagement, person=by_person[data["person"]].person,
                    measure=measure, reason=data["reason"],
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, f"Recorded why support may go on with {by_person[data['person']].person} excluded.")
                return redirect("engagement_detail", pk=engagement.pk)
        status = 400
    return render(
        request, "register/support_continuation_form.html",
        {
            "engagement": engagement, "form": form, "flags": flags, "chosen": chosen,
            "chosen_measures": [m for m in measures if chosen is not None and m.excludes_person_id == chosen.person.pk],
            "before_plan": engagement.state in BEFORE_PLAN_STATES,
        },
        status=status,
    )
