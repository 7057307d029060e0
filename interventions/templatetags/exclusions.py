"""{% exclusion_flag obj %}: an "Excluded from support" badge on an excluded recipient, unit or person."""

from django import template
from django.utils.html import format_html

from hrddp.models import PersonOfInterest, Recipient

register = template.Library()

_CACHE = "_hrddp_exclusions"


def _exclusions(context) -> tuple[dict, dict]:
    """Every active exclusion, read once per request (two queries for all the flags of a page)."""
    from interventions.exclusions import excluded_persons, excluded_units

    holder = context.get("request")
    if holder is None:
        holder = context.render_context
        cached = holder.get(_CACHE)
    else:
        cached = getattr(holder, _CACHE, None)
    if cached is None:
        cached = (excluded_units(), excluded_persons())
        if isinstance(holder, template.context.RenderContext):
            holder[_CACHE] = cached
        else:
            setattr(holder, _CACHE, cached)
    return cached


def _badge(exclusion) -> str:
    return format_html(
        '<span class="tag excluded" title="{}">Excluded from support</span> <span class="hint">({})</span>',
        exclusion.reason, exclusion.reason,
    )


@register.simple_tag(takes_context=True)
def exclusion_flag(context, obj=None, *, person=None, unit=None):
    """The badge for a Recipient or a PersonOfInterest (or a person or unit id), or nothing."""
    if obj is None and person is None and unit is None:
        return ""
    units, persons = _exclusions(context)
    if isinstance(obj, Recipient):
        unit = obj.pk
    elif isinstance(obj, PersonOfInterest):
        person = obj.pk
    exclusion = None
    if unit is not None:
        exclusion = units.get(int(unit))
    elif person is not None:
        exclusion = persons.get(int(person))
    return _badge(exclusion) if exclusion is not None else ""


@register.simple_tag(takes_context=True)
def incident_exclusion_flag(context, incident_pk):
    """The badge for the recipient of an incident shown through its presented record (one query)."""
    from monitoring.models import Incident

    unit = Incident.objects.filter(pk=incident_pk).values_list("recipient_id", flat=True).first()
    return exclusion_flag(context, unit=unit) if unit is not None else ""
