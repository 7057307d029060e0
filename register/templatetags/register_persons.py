"""Words the register's person pages use: a role's label, as a change of status names it."""

from django import template

from register.person_selectors import role_label as _role_label

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    """"chief_of_mission" → "Chief of Mission"."""
    return _role_label(role)
