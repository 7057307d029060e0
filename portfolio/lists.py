"""The lists across engagements: what each shows, from which rows, with which filters and columns; shared by
the pages, their exports and the exports built in the background."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hrddp import access
from portfolio import queries
from portfolio.filters import AuditFilter, EngagementFilter, IncidentFilter, LetterFilter, MeasureFilter


@dataclass(frozen=True)
class ListKind:
    title: str
    url_name: str
    template: str
    filterset: type
    rows: Callable
    default_order: tuple[str, ...]
    # (column heading, sort key or "")
    columns: tuple[tuple[str, str], ...]


LISTS = {
    "engagements": ListKind(
        "Engagements", "engagement_list", "hrddp/engagement_list.html", EngagementFilter, queries.engagements_for,
        ("-state_changed_at", "-pk"),
        (("Reference", "reference"), ("Engagement", "title"), ("Recipient", "recipient"), ("Office", "office"),
         ("State", "state"), ("Since", "since"), ("Assessed risk", "risk"), ("Residual risk", "residual")),
    ),
    "incidents": ListKind(
        "Incidents", "incident_overview", "portfolio/incident_list.html", IncidentFilter, queries.incidents_for, ("-occurred_on", "-pk"),
        (("Date", "date"), ("Engagement", "engagement"), ("Office", "office"), ("Recipient or unit", ""),
         ("Violation categories", ""), ("Channel", "channel"), ("Grade", ""), ("Verification", "verification"),
         ("Grave", "")),
    ),
    "measures": ListKind(
        "Mitigation measures", "measure_overview", "portfolio/measure_list.html", MeasureFilter, queries.measures_for, ("due_date", "pk"),
        (("Measure", ""), ("Engagement", "engagement"), ("Office", "office"), ("Type", "type"), ("Owner", ""),
         ("Due", "due"), ("Status", "status")),
    ),
    "letters": ListKind(
        "Letters", "letter_overview", "portfolio/letter_list.html", LetterFilter, queries.letters_for, ("-issued_at", "-pk"),
        (("Reference", "reference"), ("Kind", "kind"), ("Engagement", "engagement"), ("Office", "office"),
         ("Language", ""), ("Letter date", "date"), ("Dispatched", "dispatched")),
    ),
    "audit": ListKind(
        "Audit trail", "audit_trail", "portfolio/audit_trail.html", AuditFilter, queries.audit_entries_for, ("-at", "-pk"),
        (("When", "at"), ("Who", ""), ("Engagement", ""), ("Action", "action"), ("From → to", ""), ("Why", ""),
         ("Details", "")),
    ),
}

# Lists read under a permission of their own, beyond seeing the records (403 without it).
LIST_PERMISSION = {"audit": access.require_audit_trail}


def filtered(request, kind: ListKind):
    filterset = kind.filterset(request.GET or None, queryset=kind.rows(request.user), request=request)
    rows = filterset.qs
    if not (filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("sort")):
        rows = rows.order_by(*kind.default_order)
    return filterset, rows
