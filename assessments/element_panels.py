"""What a later app shows beside one element of the risk assessment (P¶14, T/Action 4).

An element is answered from what the UN knows, and some of that knowledge lives above Action 4: the register's
record of the recipient (its incidents, allegations, accountability record, exclusions and commanders) belongs
beside element 2, the record of compliance (P¶14(a)), so that a project manager never assesses a unit blind. This
app imports none of those apps: each attaches its panel from its AppConfig.ready(), and the risk-assessment page
renders what the panels return. With nothing attached the page is the form alone.

A panel is `panel(engagement, user) -> dict | None`: None when it has nothing to show this user (it must respect the
user's scope and grants itself), else {"template": a template name, "context": a dict}; the page includes the
template with the dict as `panel`. A panel reads; it never writes (the page is a GET).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from assessments.models import RiskElement
from hrddp.models import Engagement, User

Panel = Callable[[Engagement, User], "dict | None"]

# element → app label → panel; kept in the order the apps attached them (INSTALLED_APPS).
_attached: dict[str, dict[str, Panel]] = {}


def element_panel_attach(app_label: str, element_key: str, panel: Panel) -> None:
    """Show `panel` beside the element `element_key` (a RiskElement value); called once from an app's ready()."""
    if element_key not in RiskElement.values:
        # A misspelt element would silently never show its panel.
        raise ImproperlyConfigured(f"{app_label}: no element of the risk assessment is called {element_key!r}.")
    _attached.setdefault(str(element_key), {})[app_label] = panel


def element_panels(engagement: Engagement, user: User) -> dict[str, list[dict]]:
    """element → the panels to show beside it for this user, each {"template", "context"}, in attach order.
    Elements with nothing to show are left out."""
    shown: dict[str, list[dict]] = {}
    for element, panels in _attached.items():
        for app_label, panel in panels.items():
            result = panel(engagement, user)
            if result is None:
                continue
            if not isinstance(result, dict) or not result.get("template"):
                raise ImproperlyConfigured(
                    f"{app_label}: the panel beside {element!r} returned {result!r}, not {{'template', 'context'}}."
                )
            shown.setdefault(element, []).append({"template": result["template"], "context": result.get("context", {})})
    return shown
