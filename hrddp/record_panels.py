"""What a higher app shows on the page of one record of a lower one (files, discussion, advice).

The engagement, an assessment version, a mitigation plan, an incident, an intervention case and a letter are each
shown by the app that owns them, and each page includes `{% record_panels obj %}` once. What a higher app keeps about
such a record (its evidence files, its discussion) belongs on that page, but the owning app must not import the higher
one: the higher app attaches a panel from its AppConfig.ready() and the tag renders what the panels return. With
nothing attached a page shows nothing more.

A panel is `panel(obj, user, place, engagement) -> dict | None`, `engagement` being the page's own engagement when
the page has one (so that a panel need not read it again; the panel still checks that `obj` is of it): None when it has nothing to show this user about `obj` (it must
respect the user's scope and grants itself), else {"template": a template name, "context": a dict}. `place` names
where on the page the tag stands: "page" (the record's own page), "history" (the engagement's printable history),
"advice" (beside the Chief of Mission's decision buttons). A panel reads; it never writes (pages are GETs).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

PLACES = ("page", "history", "advice")

Panel = Callable[[object, object, str, object], "dict | None"]

# app label → panel, in the order the apps attached them (INSTALLED_APPS).
_attached: dict[str, Panel] = {}


def record_panels_attach(app_label: str, panel: Panel) -> None:
    """Show `panel` on the pages of the records it answers for; called once from an app's ready()."""
    _attached[app_label] = panel


def record_panels(obj, user, place: str = "page", engagement=None) -> list[dict]:
    """The panels to show about `obj` to `user` at `place`, each {"template", "context"}, in attach order."""
    if place not in PLACES:
        raise ImproperlyConfigured(f"No place on a page is called {place!r}; say one of {', '.join(PLACES)}.")
    shown = []
    if obj is None:
        return shown
    for app_label, panel in _attached.items():
        result = panel(obj, user, place, engagement)
        if result is None:
            continue
        if not isinstance(result, dict) or not result.get("template"):
            raise ImproperlyConfigured(f"{app_label}: the record panel returned {result!r}, not {{'template', 'context'}}.")
        shown.append({"template": result["template"], "context": result.get("context", {})})
    return shown


def engagement_of(obj, page_engagement=None):
    """The engagement `obj` belongs to (the record itself when it is one): the page's own when it is that one, read
    otherwise. Records reach it by `engagement` (the plan, an assessment, an incident, a case, a letter)."""
    from hrddp.models import Engagement

    if isinstance(obj, Engagement):
        return obj
    engagement_id = getattr(obj, "engagement_id", None)
    if engagement_id is None:
        return None
    if page_engagement is not None and page_engagement.pk == engagement_id:
        return page_engagement
    return Engagement.objects.filter(pk=engagement_id).first()
