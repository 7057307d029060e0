"""The discussion shown on the records' pages, HQ's advice beside the Chief of Mission's decision, and every comment
in the engagement's printable history (hrddp.record_panels)."""

from __future__ import annotations

from assessments.models import AssessmentStatus, RiskAssessment
from discussion import selectors
from discussion.targets import target_for
from hrddp import access
from hrddp.models import Engagement, Role, State
from hrddp.record_panels import engagement_of, record_panels_attach


def _advice(obj, engagement):
    """HQ's comments on the version awaiting the Chief of Mission's endorsement."""
    if engagement.state != State.ENDORSEMENT:
        return None
    assessment = obj if isinstance(obj, RiskAssessment) else engagement.assessments.order_by("-version").first()
    if assessment is None or assessment.status != AssessmentStatus.SUBMITTED:
        return None
    advice = [c for c in selectors.comments_on(assessment) if c.author_role == Role.HQ_HUMAN_RIGHTS]
    return {
        "template": "discussion/_advice.html",
        "context": {"engagement": engagement, "assessment": assessment, "advice": advice},
    }


def discussion_panel(obj, user, place, page_engagement=None):
    engagement = engagement_of(obj, page_engagement)
    if engagement is None or getattr(obj, "pk", None) is None:
        return None
    if not access.may_see_engagement(user, engagement):
        return None
    if place == "advice":
        return _advice(obj, engagement)
    if place == "history":
        if not isinstance(obj, Engagement):
            return None
        return {"template": "discussion/_history.html",
                "context": {"comments": selectors.comments_of_engagement(engagement)}}
    target = target_for(obj)
    if target is None:
        return None
    return {
        "template": "discussion/_panel.html",
        "context": {
            "engagement": engagement,
            "target_key": target.key,
            "target_id": obj.pk,
            "comments": selectors.comments_on(obj),
            "may_comment": access.may_comment(user, engagement),
            "user_id": user.pk,
            "hq_adviser": access.is_hq_adviser(user),
        },
    }


def attach(app_label: str) -> None:
    record_panels_attach(app_label, discussion_panel)
