from django import template

from hrddp import lifecycle

register = template.Library()


@register.inclusion_tag("hrddp/_steps.html", takes_context=True)
def engagement_steps(context, engagement, names=""):
    """The steps (all, or those named, comma-separated) the user may take now as
    forms, and those refused with their reasons."""
    wanted = {n.strip() for n in names.split(",") if n.strip()}
    user = context["request"].user
    choices = [c for c in lifecycle.choices_for(engagement, user) if not wanted or c.info.name in wanted]
    return {
        "engagement": engagement,
        "offered": [c for c in choices if c.available],
        "blocked": [c for c in choices if not c.available],
        "csrf_token": context.get("csrf_token"),
    }
