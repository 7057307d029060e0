"""The records that may carry evidence files, by the short name forms and URLs use, and how each reaches its
engagement (for scoping: a file is the engagement's, and the engagement's readers read it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import CitedSource
from hrddp.models import Engagement
from interventions.models import InterventionCase, Letter
from mitigation.models import MitigationMeasure
from monitoring.models import Incident


@dataclass(frozen=True)
class Target:
    key: str
    model: type[models.Model]
    engagement_path: str  # "" for the engagement itself
    label: str
    # Incidents' files (source documents, photos, witness statements) are confidential unless the uploader says not.
    confidential_default: bool = False


TARGETS = {
    t.key: t
    for t in (
        Target("engagement", Engagement, "", _("the engagement")),
        Target("source", CitedSource, "assessment__engagement", _("a cited source")),
        Target("incident", Incident, "engagement", _("the incident"), confidential_default=True),
        Target("measure", MitigationMeasure, "plan__engagement", _("a mitigation measure")),
        Target("case", InterventionCase, "engagement", _("the intervention case")),
        Target("letter", Letter, "engagement", _("the letter")),
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
        raise ValueError(f"{obj!r} cannot carry evidence files.")
    if not target.engagement_path:
        return obj.pk
    return target.model.objects.filter(pk=obj.pk).values_list(target.engagement_path, flat=True).get()


def find(key: str, pk, engagement: Engagement):
    """The record `key`/`pk` of this engagement, or None (a record of another engagement is no record here)."""
    target = TARGETS.get(key)
    if target is None:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    qs = target.model.objects.filter(pk=pk)
    qs = qs.filter(pk=engagement.pk) if not target.engagement_path else qs.filter(**{target.engagement_path: engagement})
    return qs.first()


def content_type_of(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)
