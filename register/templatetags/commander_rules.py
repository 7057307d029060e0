"""{% commander_flags_panel engagement %}: the flagged current commanders of the engagement's supported units, with
the way out (P¶16) and the link to it for whoever takes the next part of it."""

from django import template

from hrddp import access
from hrddp.models import ENDED_STATES, State
from register.rules import commander_flags

register = template.Library()


@register.inclusion_tag("register/_commander_flags.html", takes_context=True)
def commander_flags_panel(context, engagement):
    request = context.get("request")
    user = getattr(request, "user", None)
    flags = commander_flags(engagement) if engagement.state not in ENDED_STATES else []
    return {
        "engagement": engagement,
        "flags": flags,
        "may_decide": bool(flags) and user is not None and access.may_decide(user, engagement),
        "may_prepare": bool(flags) and user is not None and access.may_prepare(user, engagement),
        "plan_editable": engagement.state == State.MITIGATION,
    }
