"""A recipient's own page: who it is, who commands it, its exclusions, what every office knows of it (incidents,
allegations against its people, the accountability record) and the engagements with it.

It reads every Action (the exclusions are interventions', the incidents monitoring's), so it lives above them
all; the queries are register.selectors'."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hrddp import access
from hrddp.models import Recipient
from register import selectors


@login_required
@require_GET
def recipient_detail(request, pk):
    recipient = access.get_recipient_or_404(request.user, pk, Recipient.objects.select_related("parent__parent"))
    subtree_ids = selectors.recipient_subtree_ids(recipient)
    current_periods, past_periods = selectors.recipient_command_periods(recipient)
    exclusions_in_force, exclusions_lifted = selectors.recipient_exclusions(recipient)
    incidents = selectors.recipient_incidents(recipient, user=request.user, subtree_ids=subtree_ids)
    allegations = selectors.recipient_allegations(
        recipient, user=request.user, subtree_ids=subtree_ids, openable=selectors.incident_openable(incidents)
    )
    accountability = selectors.recipient_accountability(
        recipient, user=request.user, subtree_ids=subtree_ids, allegations=allegations, incidents=incidents
    )
    return render(
        request, "register/recipient_detail.html",
        {
            "recipient": recipient, "lineage": recipient.lineage(),
            "current_periods": current_periods, "past_periods": past_periods,
            "children": recipient.children.order_by("name"),
            "exclusions_in_force": exclusions_in_force, "exclusions_lifted": exclusions_lifted,
            "incidents": incidents,
            "allegation_groups": selectors.allegations_by_person(allegations),
            "alleged_person_ids": {row.person.pk for row in allegations},
            "accountability": accountability,
            "accountability_summary": selectors.accountability_summary(accountability),
            "engagements": selectors.recipient_engagements(recipient, user=request.user, subtree_ids=subtree_ids),
            "may_record": access.may_record_in_register(request.user, recipient.country),
        },
    )
