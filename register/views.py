"""A recipient's own page: who it is, who commands it, its exclusions and the engagements with it.

It reads every Action (the exclusions are interventions'), so it lives above them all."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hrddp import access
from hrddp.models import CommandPeriod, Recipient
from interventions.models import Exclusion


@login_required
@require_GET
def recipient_detail(request, pk):
    recipient = access.get_recipient_or_404(request.user, pk, Recipient.objects.select_related("parent__parent"))
    lineage = recipient.lineage()
    above = [r.pk for r in lineage]
    periods = (
        CommandPeriod.objects.filter(unit=recipient)
        .select_related("person")
        .order_by("-start_date", "pk")
    )
    exclusions = (
        Exclusion.objects.filter(Q(unit_id__in=above) | Q(person__recipient=recipient))
        .select_related("unit", "person", "engagement", "excluded_by", "lifted_by")
        .order_by("-excluded_at", "-pk")
    )
    engagements = (
        access.visible_engagements(request.user)
        .filter(Q(recipient=recipient) | Q(recipient__parent=recipient) | Q(recipient__parent__parent=recipient))
        .select_related("office", "recipient")
        .order_by("-created_at", "-pk")
    )
    return render(
        request, "register/recipient_detail.html",
        {
            "recipient": recipient, "lineage": lineage, "periods": periods,
            "children": recipient.children.order_by("name"),
            "exclusions": exclusions, "engagements": engagements,
        },
    )
