"""Action 4: writing a version of the risk assessment (P¶14–17, T/Action 4).

Only a draft can be written, and only while the engagement is at the risk
assessment stage: once a version is submitted it is frozen, so the version the
Chief of Mission endorsed (or declined) is exactly the one they read. A
reassessment is a new version (assessments.services.assessment_start).

The service validates what it is given on its own (the pages' forms do so
first), writes all of it or nothing, and uses a fixed number of queries
whatever the number of sources and risk factors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from assessments.models import (
    AssessmentElement,
    AssessmentStatus,
    CitedSource,
    RiskAssessment,
    RiskElement,
    RiskFactor,
    RiskRating,
)
from hrddp import access
from hrddp.models import AuditAction, Engagement, State, User
from hrddp.services import EngagementChangedMeanwhile, audit_record

SOURCE_FIELDS = ("citation", "is_un_source", "reliability", "element")
FACTOR_FIELDS = ("description", "element")

# The engagement steps of Action 4, as recorded in the audit trail.
ASSESSMENT_STEPS = (
    "start_reassessment", "submit_assessment", "return_assessment", "endorse", "endorse_plan_stands",
    "decline", "reconsider",
)


class AssessmentNotEditable(Exception):
    """The version is no longer a draft being written: it cannot be changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def assessment_editable_refusal(*, assessment: RiskAssessment, engagement: Engagement, latest_version: int) -> str:
    """Why this version cannot be written now, in plain words ('' when it can)."""
    if assessment.status != AssessmentStatus.DRAFT:
        return (
            f"Version {assessment.version} is {assessment.get_status_display().lower()}: it can no longer be "
            "changed, so that it stays exactly what the Chief of Mission read. A reassessment starts a new version."
        )
    if assessment.version != latest_version:
        return f"Version {assessment.version} is not the latest version: only the latest one can be changed."
    if engagement.state != State.ASSESSMENT:
        return (
            "The risk assessment can only be changed while the engagement is at the risk assessment stage "
            f"(it is now at '{State(engagement.state).label}')."
        )
    return ""


@transaction.atomic
def assessment_save_draft(
    *,
    assessment: RiskAssessment,
    elements: dict[str, dict[str, str]],
    final_rating: str,
    final_justification: str,
    sources: list[dict[str, Any]],
    factors: list[dict[str, Any]],
    by: User,
    expected_revision: int | None = None,
) -> RiskAssessment:
    """Write the draft version: its element answers, final rating, sources and risk factors.

    `elements` maps an element (RiskElement value) to {"narrative", "rating"}.
    `sources` and `factors` are rows: with an "id" they change (or, with
    "delete": True, remove) that row of this version; without one they are
    added. Rows not mentioned stay as they are.

    Audited like the saves of Actions 1–3 (who saved which version, and what changed in it), in the same
    transaction: a draft is the project manager's working copy, but every change is on the record, whether
    made on the page or through the API. The version the Chief of Mission reads is frozen when submitted,
    and its submission, return, endorsement or decline are steps with their own entries.

    Refuses with PermissionDenied when the user may not prepare the engagement,
    AssessmentNotEditable when the version is not a draft being written,
    EngagementChangedMeanwhile when the engagement took a step since
    `expected_revision`, and ValidationError when a value is invalid; nothing
    is written then.
    """
    # Lock the engagement, as its transitions do: a save and a submission run
    # one after the other, so a submitted version is never written afterwards.
    engagement = Engagement.objects.select_for_update().get(pk=assessment.engagement_id)
    access.require_prepare(by, engagement)
    if expected_revision is not None and engagement.revision != expected_revision:
        raise EngagementChangedMeanwhile()
    current = RiskAssessment.objects.get(pk=assessment.pk)
    latest = engagement.assessments.aggregate(latest=models.Max("version"))["latest"]
    refusal = assessment_editable_refusal(assessment=current, engagement=engagement, latest_version=latest)
    if refusal:
        raise AssessmentNotEditable(refusal)

    errors: dict[str, list[str]] = {}
    _check_choice(errors, "final_rating", final_rating, RiskRating.values, "final rating")
    unknown = sorted(set(elements) - set(RiskElement.values))
    if unknown:
        errors.setdefault("elements", []).append(f"Unknown risk element(s): {', '.join(unknown)}.")
    for element, answer in elements.items():
        _check_choice(errors, f"elements.{element}", answer.get("rating", ""), RiskRating.values, "rating")
    source_plan = _plan_rows(errors, "sources", CitedSource, current, sources, SOURCE_FIELDS)
    factor_plan = _plan_rows(errors, "factors", RiskFactor, current, factors, FACTOR_FIELDS)
    if errors:
        raise ValidationError(errors)

    _write_elements(current, elements)
    for model, plan, fields in ((CitedSource, source_plan, SOURCE_FIELDS), (RiskFactor, factor_plan, FACTOR_FIELDS)):
        to_create, to_update, to_delete = plan
        if to_delete:
            model.objects.filter(assessment=current, pk__in=to_delete).delete()
        if to_update:
            model.objects.bulk_update(to_update, list(fields))
        if to_create:
            model.objects.bulk_create(to_create)
    current.final_rating = final_rating
    current.final_justification = final_justification.strip()
    current.save(update_fields=["final_rating", "final_justification"])
    changes = {
        "elements": sorted(elements), "final_rating": final_rating,
        "sources": {"added": len(source_plan[0]), "changed": len(source_plan[1]), "removed": len(source_plan[2])},
        "risk_factors": {"added": len(factor_plan[0]), "changed": len(factor_plan[1]), "removed": len(factor_plan[2])},
    }
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.SAVE_RISK_ASSESSMENT,
        justification=f"Saved the draft of version {current.version} of the risk assessment.",
        details={"assessment": current.pk, "version": current.version, **changes},
    )
    return current


def _check_choice(errors, key, value, allowed, what):
    if value and value not in allowed:
        errors.setdefault(key, []).append(f"'{value}' is not a valid {what}: choose low, medium or high.")


def _plan_rows(errors, key, model, assessment, rows, fields):
    """Which rows to create, update and delete; every row validated as the model would."""
    existing = {obj.pk: obj for obj in model.objects.filter(assessment=assessment)}
    to_create, to_update, to_delete = [], [], []
    for index, row in enumerate(rows, start=1):
        pk = row.get("id")
        if pk is not None and pk not in existing:
            errors.setdefault(key, []).append(f"Row {index} is not part of this version (it may have been removed).")
            continue
        if row.get("delete"):
            if pk is not None:
                to_delete.append(pk)
            continue
        obj = existing[pk] if pk is not None else model(assessment=assessment)
        before = {name: getattr(obj, name) for name in fields}
        for name in fields:
            value = row.get(name, getattr(obj, name) if pk is not None else model._meta.get_field(name).get_default())
            setattr(obj, name, value.strip() if isinstance(value, str) else value)
        try:
            obj.full_clean(exclude=["assessment"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                label = model._meta.get_field(field).verbose_name if field in fields else field
                errors.setdefault(key, []).extend(f"Row {index}, {label}: {m}" for m in messages)
            continue
        if pk is None:
            to_create.append(obj)
        elif any(getattr(obj, name) != before[name] for name in fields):
            to_update.append(obj)
    return to_create, to_update, to_delete


def _write_elements(assessment: RiskAssessment, elements: dict[str, dict[str, str]]) -> None:
    existing = {e.element: e for e in AssessmentElement.objects.filter(assessment=assessment)}
    to_create, to_update = [], []
    for element, answer in elements.items():
        narrative = (answer.get("narrative") or "").strip()
        rating = answer.get("rating") or ""
        row = existing.get(element)
        if row is None:
            if narrative or rating:
                to_create.append(
                    AssessmentElement(assessment=assessment, element=element, narrative=narrative, rating=rating)
                )
        elif (row.narrative, row.rating) != (narrative, rating):
            row.narrative, row.rating = narrative, rating
            to_update.append(row)
    if to_update:
        AssessmentElement.objects.bulk_update(to_update, ["narrative", "rating"])
    if to_create:
        AssessmentElement.objects.bulk_create(to_create)
