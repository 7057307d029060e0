"""The recipient's record beside risk element 2 of an assessment, the record of compliance (P¶14(a), T/Action 4
element 2), so that a project manager never assesses a unit blind.

A compact summary of what the register knows about the engagement's recipient and its commands and units, read
through the same selectors as the recipient's page (register.selectors), so it shows exactly what that page
shows the viewer: every office's incidents with their grading (never their confidential details: those stay on
the page, for those granted them), the allegations against its people with their status, the accountability
finding, the exclusions in force and the current commanders, flagged when excluded or under a substantiated or
open allegation. A link leads to the full record (`recipient_detail`). A viewer who may not see the recipient
(an engagement granted across countries) gets no panel.
"""

from __future__ import annotations

from assessments.element_panels import element_panel_attach
from assessments.models import RiskElement
from hrddp import access
from hrddp.models import Engagement, Recipient, User
from interventions.exclusions import excluded_persons
from register import selectors

TEMPLATE = "register/_record_panel.html"
RECENT = 3  # the most recent incidents and allegations the panel names


def record_panel(engagement: Engagement, user: User) -> dict | None:
    """The panel's template and context for `user`, or None when the user may not see the recipient."""
    recipient = (
        access.visible_recipients(user, Recipient.objects.select_related("parent__parent"))
        .filter(pk=engagement.recipient_id)
        .first()
    )
    if recipient is None:
        return None
    subtree_ids = selectors.recipient_subtree_ids(recipient)
    incidents = selectors.recipient_incidents(recipient, user=user, subtree_ids=subtree_ids)
    allegations = selectors.recipient_allegations(
        recipient, user=user, subtree_ids=subtree_ids, openable=selectors.incident_openable(incidents)
    )
    accountability = selectors.recipient_accountability(
        recipient, user=user, subtree_ids=subtree_ids, allegations=allegations, incidents=incidents
    )
    exclusions_in_force, _ = selectors.recipient_exclusions(recipient)
    current_periods, _ = selectors.recipient_command_periods(recipient)
    excluded = excluded_persons(recipient.country) if current_periods else {}
    by_person: dict[int, list[selectors.RecipientAllegation]] = {}
    for row in allegations:
        by_person.setdefault(row.person.pk, []).append(row)
    commanders = []
    for period in current_periods:
        against = by_person.get(period.person_id, [])
        commanders.append({
            "period": period,
            "exclusion": excluded.get(period.person_id),
            "substantiated": sum(1 for a in against if a.substantiated),
            "open": sum(1 for a in against if a.is_open),
        })
    recent_allegations = sorted(
        allegations, key=lambda a: (a.occurred_on is not None, a.occurred_on, a.pk), reverse=True
    )[:RECENT]
    return {
        "template": TEMPLATE,
        "context": {
            "recipient": recipient,
            "lineage": recipient.lineage(),
            "incident_count": len(incidents),
            "grave_count": sum(1 for row in incidents if row.record["grave_violation"]),
            "offices": sorted({row.office for row in incidents}),
            "recent_incidents": incidents[:RECENT],
            "allegation_count": len(allegations),
            "substantiated_count": sum(1 for a in allegations if a.substantiated),
            "open_count": sum(1 for a in allegations if a.is_open),
            "recent_allegations": recent_allegations,
            "accountability_summary": selectors.accountability_summary(accountability),
            "failures": [entry for entry in accountability if entry.failure][:RECENT],
            "exclusions_in_force": exclusions_in_force,
            # The recipient's own, or its force's or command's, which covers it.
            "unit_exclusion": next((e for e in exclusions_in_force if e.unit_id is not None), None),
            "commanders": commanders,
        },
    }


def attach(app_label: str) -> None:
    """Called once from RegisterConfig.ready()."""
    element_panel_attach(app_label, RiskElement.COMPLIANCE_RECORD, record_panel)
