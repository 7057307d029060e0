"""The records that carry a discussion, by the short name forms and URLs use; how each reaches its engagement and
the page it is read on."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import RiskAssessment
from hrddp.models import Engagement
from interventions.models import InterventionCase
from mitigation.models import MitigationPlan
from monitoring.models import Incident


@dataclass(frozen=True)
class Target:
    key: str
    model: type[models.Model]
    engagement_path: str
    label: str

    def url(self, obj) -> str:
        engagement_id = obj.pk if not self.engagement_path else obj.engagement_id
        if self.key == "engagement":
            return reverse("engagement_detail", args=[engagement_id])
        if self.key == "assessment":
            return reverse("risk_assessment_version", args=[engagement_id, obj.version])
        if self.key == "plan":
            return reverse("mitigation_plan", args=[engagement_id])
        if self.key == "incident":
            return reverse("incident_detail", args=[engagement_id, obj.pk])
        return reverse("case_detail", args=[engagement_id, obj.pk])

    def describe(self, obj) -> str:
        if self.key == "assessment":
            return _("risk assessment version %(v)d") % {"v": obj.version}
        if self.key == "incident":
            return _("incident of %(d)s") % {"d": obj.occurred_on.strftime("%d %b %Y")}
        if self.key == "case":
            return _("intervention case opened %(d)s") % {"d": obj.opened_at.strftime("%d %b %Y")}
        return str(self.label)


TARGETS = {
    t.key: t
    for t in (
        Target("engagement", Engagement, "", _("the engagement")),
        Target("assessment", RiskAssessment, "engagement", _("a risk assessment version")),
        Target("plan", MitigationPlan, "engagement", _("the mitigation plan")),
        Target("incident", Incident, "engagement", _("an incident")),
        Target("case", InterventionCase, "engagement", _("an intervention case")),
    )
}


def target_for(obj) -> Target | None:
    for target in TARGETS.values():
        if isinstance(obj, target.model):
            return target
    return None


def engagement_id_of(obj) -> int:
    target = target_for(obj)
    if target is None:
        raise ValueError(f"{obj!r} carries no discussion.")
    return obj.pk if not target.engagement_path else obj.engagement_id


def find(key: str, pk, engagement: Engagement):
    target = TARGETS.get(key)
    if target is None:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    qs = target.model.objects.filter(pk=pk)
    qs = qs.filter(pk=engagement.pk) if not target.engagement_path else qs.filter(engagement=engagement)
    return qs.first()


def content_type_of(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)
