"""Template tags of Action 6 for the engagement's own pages."""

from django import template

from monitoring.incident_selectors import intercession_warranted as _intercession_warranted

register = template.Library()


@register.simple_tag
def intercession_warranted(engagement):
    """{% intercession_warranted engagement as warranted %}: on active support, the count and latest date of the
    incidents giving substantial grounds of a grave violation (P¶26), or None. One query, and none otherwise."""
    return _intercession_warranted(engagement)
