"""The evidence files shown on the pages of the records that carry them (hrddp.record_panels)."""

from __future__ import annotations

from assessments.models import RiskAssessment
from evidence import selectors
from evidence.targets import TARGETS, target_for
from hrddp import access
from hrddp.record_panels import engagement_of, record_panels_attach
from mitigation.models import MitigationPlan

TEMPLATE = "evidence/_panel.html"


def _choices(records, label_of) -> list[dict]:
    return [{"id": r.pk, "label": label_of(r)} for r in records]


def evidence_panel(obj, user, place, page_engagement=None):
    if place != "page":
        return None
    engagement = engagement_of(obj, page_engagement)
    if engagement is None or getattr(obj, "pk", None) is None or not access.may_see_engagement(user, engagement):
        return None
    if isinstance(obj, MitigationPlan):
        # The plan's page carries each measure's proof that it is in place.
        records = list(obj.measures.all())
        key, title = "measure", "Proof of the measures"
        choices = _choices(records, lambda m: m.title[:80])
    elif isinstance(obj, RiskAssessment):
        records = list(obj.sources.all())
        key, title = "source", "Files of the cited sources"
        choices = _choices(records, lambda s: str(s)[:80])
    else:
        target = target_for(obj)
        if target is None:
            return None
        records, key, title, choices = [obj], target.key, "Evidence files", []
    files, hidden = selectors.files_on(records, user=user, engagement=engagement)
    labels = {c["id"]: c["label"] for c in choices}
    for item in files:
        item.target_label = labels.get(item.target_id, "")
    # One answer for both: adding and withdrawing are the project manager's and the Chief of Mission's.
    may_write = access.may_add_evidence(user, engagement)
    return {
        "template": TEMPLATE,
        "context": {
            "engagement": engagement,
            "title": title,
            "files": files,
            "hidden": hidden,
            "may_add": may_write and bool(records),
            "may_withdraw": may_write,
            "target_key": key,
            "target_id": records[0].pk if len(records) == 1 and not choices else None,
            "choices": choices,
            "confidential_default": TARGETS[key].confidential_default,
        },
    }


def attach(app_label: str) -> None:
    record_panels_attach(app_label, evidence_panel)
