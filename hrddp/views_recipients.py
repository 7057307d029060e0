"""A recipient's own page: who it is, who commands it, its exclusions and the engagements with it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hrddp import access
from hrddp.models import CommandPeriod, Recipient


def _recipient_or_404(user, pk) -> Recipient:
    """A recipient of a country where the user's offices work (HQ and auditors: any); any other is 'not found'."""
    recipients = Recipient.objects.select_related("parent__parent")
    if not access.sees_every_office(user):
        recipients = recipients.filter(country__in=access.visible_offices(user).values("country"))
    recipient = recipients.filter(pk=pk).first()
    if recipient is None:
        raise Http404("No such recipient.")
    return recipient


@login_required
@require_GET
def recipient_detail(request, pk):
    from interventions.models import Exclusion

    recipient = _recipient_or_404(request.user, pk)
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
        request, "hrddp/recipient_detail.html",
        {
            "recipient": recipient, "lineage": lineage, "periods": periods,
            "children": recipient.children.order_by("name"),
            "exclusions": exclusions, "engagements": engagements,
        },
    )
