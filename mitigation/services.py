"""Action 5 and the approval: what is written on the mitigation plan and the intervention procedure.

Each write checks that the user may prepare the engagement and that its stage allows it, on the engagement's
row locked as its transitions lock it (so a save never lands after the step that closed the stage), and is
audited in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from hrddp import access
from hrddp.models import AuditAction, Engagement, State, User, persons_of_force
from hrddp.services import audit_record, engagement_locked
from mitigation.models import InterventionProcedure, MeasureTemplate, MeasureType, MitigationMeasure, MitigationPlan

# What the plan form writes on the plan itself, and each measure row on its measure.
PLAN_FIELDS = ("residual_risk", "residual_risk_justification", "waive_visibility", "visibility_decision")
MEASURE_FIELDS = ("title", "measure_type", "nature", "owner", "due_date", "budget_line", "status", "review_notes")
# A measure row may also name, by id, the person a screening and exclusion measure keeps out ("excludes_person").
PROCEDURE_FIELDS = ("monitoring_responsible", "recipient_focal_point", "reporting_to_com")

# The stages at which the procedure is set: with the plan, and until support is approved (T/Box 7).
PROCEDURE_STAGES = (State.MITIGATION, State.APPROVAL)


class NotEditable(Exception):
    """The engagement's stage does not allow this change (any more)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def plan_editable_refusal(*, engagement: Engagement) -> str:
    """Why the plan cannot be changed now ('' when it can)."""
    if engagement.state != State.MITIGATION:
        return "The plan can only be changed while the engagement is at the mitigation stage."
    return ""


def procedure_editable_refusal(*, engagement: Engagement) -> str:
    """Why the intervention procedure cannot be changed now ('' when it can)."""
    if engagement.state not in PROCEDURE_STAGES:
        return "The procedure is set before support is approved."
    return ""


def excludable_persons(engagement: Engagement):
    """The persons of interest a screening and exclusion measure of the engagement's plan may exclude: those of the
    recipient's force, its commands and units (P¶16)."""
    return persons_of_force(engagement.recipient)


def _exclusion_problems(engagement: Engagement, rows: list[dict[str, Any]], existing: dict) -> dict[str, str]:
    """What is wrong with the persons the rows exclude: only a screening and exclusion measure excludes one, and only
    a person of the recipient's force."""
    named = {row["excludes_person"] for row in rows if not row.get("delete") and row.get("excludes_person")}
    allowed = set(excludable_persons(engagement).filter(pk__in=named).values_list("pk", flat=True)) if named else set()
    problems = {}
    for row in rows:
        if row.get("delete"):
            continue
        measure = existing.get(row.get("id"))
        person = row.get("excludes_person", measure.excludes_person_id if measure is not None else None)
        if not person:
            continue
        measure_type = row.get("measure_type", measure.measure_type if measure is not None else "")
        title = row.get("title") or (measure.title if measure is not None else "a new measure")
        if person not in allowed and "excludes_person" in row:
            problems["excludes_person"] = f"“{title}”: exclude a person of interest of the recipient's force."
        elif measure_type != MeasureType.SCREENING_EXCLUSION:
            problems["excludes_person"] = (
                f"“{title}”: only a screening and exclusion measure excludes a person from the support."
            )
    return problems


def _locked_for_preparing(engagement: Engagement, by: User, refusal) -> Engagement:
    locked = engagement_locked(engagement)
    access.require_prepare(by, locked)
    message = refusal(engagement=locked)
    if message:
        raise NotEditable(message)
    return locked


def plan_inherit_core_measures(*, engagement: Engagement) -> MitigationPlan:
    """Carry the GPRAF's core mitigation measures into the engagement's plan (T/Action 3)."""
    plan, _ = MitigationPlan.objects.get_or_create(engagement=engagement)
    coordination = getattr(engagement, "coordination", None)
    if coordination is None or not coordination.mechanism_exists:
        return plan
    existing = set(plan.measures.filter(from_gpraf=True).values_list("title", flat=True))
    MitigationMeasure.objects.bulk_create(
        MitigationMeasure(plan=plan, title=line, measure_type=MeasureType.COMMUNICATIONS, from_gpraf=True)
        for line in coordination.core_measure_lines()
        if line not in existing
    )
    return plan


@transaction.atomic
def plan_save(
    *, by: User, engagement: Engagement, fields: dict[str, Any], measures: list[dict[str, Any]]
) -> MitigationPlan:
    """Save the plan and its measures together, or nothing; the plan is created by its first save.

    `fields` holds the plan's own values (PLAN_FIELDS; those absent stay as they are). `measures` are rows:
    with an "id" they change (or, with "delete": True, remove) that measure of the plan; without one they are
    added. A row's "risk_factors" are the ids of the risk factors it targets. Rows not mentioned stay as they are.
    The values are taken as the plan page's forms validated them.

    A row's "excludes_person" (an id, or None) names the person a screening and exclusion measure keeps out of the
    support (P¶16): one of the recipient's force (ValidationError otherwise, or on a measure of another type).

    Refuses with PermissionDenied when the user may not prepare the engagement, and NotEditable when the
    engagement is not at the mitigation stage; nothing is written then.
    """
    engagement = _locked_for_preparing(engagement, by, plan_editable_refusal)
    plan = MitigationPlan.objects.filter(engagement=engagement).first()
    created = plan is None
    if created:
        plan = MitigationPlan(engagement=engagement)
    changed_fields = [name for name in PLAN_FIELDS if name in fields and getattr(plan, name) != fields[name]]
    for name in changed_fields:
        setattr(plan, name, fields[name])
    if created or changed_fields:
        plan.save()

    ids = {row["id"] for row in measures if row.get("id") is not None}
    existing = {m.pk: m for m in plan.measures.filter(pk__in=ids)} if ids else {}
    if len(existing) != len(ids):
        # The page offers this plan's measures only: another id is a stale page or a forged one.
        raise NotEditable("A measure of the form is no longer part of this plan: reload the page and try again.")
    problems = _exclusion_problems(engagement, measures, existing)
    if problems:
        raise ValidationError(problems)
    added, changed, removed = 0, 0, []
    for row in measures:
        measure = existing.get(row.get("id"))
        if row.get("delete"):
            if measure is not None:
                removed.append(measure.pk)
            continue
        if measure is None:
            measure = MitigationMeasure(plan=plan)
            added += 1
        else:
            changed += 1
        for name in MEASURE_FIELDS:
            if name in row:
                setattr(measure, name, row[name])
        if "excludes_person" in row:
            measure.excludes_person_id = row["excludes_person"] or None
        measure.save()
        if "risk_factors" in row:
            measure.risk_factors.set(row["risk_factors"])
    if removed:
        try:
            with transaction.atomic():
                MitigationMeasure.objects.filter(plan=plan, pk__in=removed).delete()
        except ProtectedError as exc:
            # A record of a later Action rests on the measure (the Chief of Mission's reasons to go on, P¶16).
            raise NotEditable(
                "A measure you removed is the one the Chief of Mission's decision rests on: set its status to "
                "dropped instead, so the record stays."
            ) from exc

    if created or changed_fields or added or changed or removed:
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.SAVE_MITIGATION_PLAN,
            justification=_plan_summary(created, changed_fields, added, changed, len(removed)),
            details={
                "plan": plan.pk, "created": created, "changed": changed_fields,
                "measures_added": added, "measures_changed": changed, "measures_removed": removed,
            },
        )
    return plan


def _plan_summary(created: bool, changed_fields: list[str], added: int, changed: int, removed: int) -> str:
    parts = []
    if created:
        parts.append("Drew up the mitigation plan.")
    elif changed_fields:
        labels = ", ".join(str(MitigationPlan._meta.get_field(name).verbose_name) for name in changed_fields)
        parts.append(f"Changed the plan's {labels}.")
    counts = [f"{n} {what}" for n, what in ((added, "added"), (changed, "changed"), (removed, "removed")) if n]
    if counts:
        parts.append(f"Measures: {', '.join(counts)}.")
    return " ".join(parts) or "Saved the mitigation plan."


@transaction.atomic
def plan_add_from_catalogue(
    *, by: User, engagement: Engagement, templates: list[MeasureTemplate]
) -> list[MitigationMeasure]:
    """Add a planned measure for each good-practice example chosen; the plan is created if not yet written."""
    engagement = _locked_for_preparing(engagement, by, plan_editable_refusal)
    plan, _ = MitigationPlan.objects.get_or_create(engagement=engagement)
    added = MitigationMeasure.objects.bulk_create(
        MitigationMeasure(plan=plan, title=t.title, measure_type=t.measure_type, nature=t.nature, review_notes="")
        for t in templates
    )
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.ADD_MEASURES_FROM_CATALOGUE,
        justification="Added from the catalogue: " + "; ".join(t.title for t in templates) + ".",
        details={"plan": plan.pk, "templates": sorted(t.pk for t in templates)},
    )
    return added


@transaction.atomic
def procedure_save(
    *, by: User, engagement: Engagement, monitoring_responsible: User | None, recipient_focal_point,
    reporting_to_com: str,
) -> InterventionProcedure:
    """Set the internal procedure for intervention, suspension or cessation (T/Box 7), or change it.

    The responsible staff member must be an active member of the office and the focal point the office's own
    (ValidationError, by field). Refuses with PermissionDenied when the user may not prepare the engagement, and
    NotEditable once support is approved (or before the mitigation stage); nothing is written then.
    """
    engagement = _locked_for_preparing(engagement, by, procedure_editable_refusal)
    # The page's form offers only these; a caller that is not the page (the API, a script) is held to the same.
    errors = {}
    if monitoring_responsible is not None and not (
        monitoring_responsible.is_active
        and monitoring_responsible.memberships.filter(office_id=engagement.office_id).exists()
    ):
        errors["monitoring_responsible"] = "The responsible staff member must be an active member of the office."
    if recipient_focal_point is not None and recipient_focal_point.office_id != engagement.office_id:
        errors["recipient_focal_point"] = "The focal point must be one of the office's focal points."
    if errors:
        raise ValidationError(errors)
    procedure = InterventionProcedure.objects.filter(engagement=engagement).first()
    created = procedure is None
    if created:
        procedure = InterventionProcedure(engagement=engagement)
    values = {
        "monitoring_responsible": monitoring_responsible, "recipient_focal_point": recipient_focal_point,
        "reporting_to_com": reporting_to_com,
    }
    changed = [name for name in PROCEDURE_FIELDS if created or getattr(procedure, name) != values[name]]
    if not changed:
        return procedure
    for name, value in values.items():
        setattr(procedure, name, value)
    procedure.save()
    labels = ", ".join(str(InterventionProcedure._meta.get_field(name).verbose_name) for name in changed)
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.SET_INTERVENTION_PROCEDURE,
        justification=(
            "Set the internal intervention procedure (T/Box 7)." if created
            else f"Changed the intervention procedure: {labels}."
        ),
        details={"procedure": procedure.pk, "created": created, "changed": changed},
    )
    return procedure


# What the engagement's steps open in Action 5 (attached in MitigationConfig.ready(); hrddp.step_effects). The
# core measures follow the first assessment version, which assessments attaches first (INSTALLED_APPS order).
ENGAGEMENT_STEP_EFFECTS = {
    "complete_coordination": lambda engagement, *, by, justification: plan_inherit_core_measures(
        engagement=engagement
    ),
}
