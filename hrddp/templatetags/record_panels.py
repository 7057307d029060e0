from django import template

from hrddp import record_panels as registry

register = template.Library()


@register.inclusion_tag("hrddp/_record_panels.html", takes_context=True)
def record_panels(context, obj, place="page"):
    """What higher apps attached about `obj` (hrddp.record_panels): each panel's template, given its context as
    `panel`, with the request and the CSRF token for its forms."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "panels": registry.record_panels(obj, user, place, context.get("engagement")) if user is not None else [],
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "place": place,
    }
