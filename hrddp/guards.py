"""Conditions of the engagement's transitions.

Each guard is a pure function of the data that returns the reasons it fails,
in words a project manager understands (or nothing when it passes). Wrapped
in `Guard`, django-fsm sees a plain boolean condition while the app can still
ask why a transition is refused.

A guard reads the engagement through its own fields and relations (its screening,
activities, letters...), never by importing a model: the engagement model imports
these conditions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model

# The engagement (hrddp.models.Engagement), typed as any model: the model imports this module.
Engagement = Model

Reasons = str | Iterable[str] | None


class Guard:
    def __init__(self, fn: Callable[[Engagement], Reasons]):
        self.fn = fn
        functools.update_wrapper(self, fn)

    def __call__(self, engagement: Engagement) -> bool:
        return not self.refusals(engagement)

    def refusals(self, engagement: Engagement) -> list[str]:
        result = self.fn(engagement)
        if result is None:
            return []
        if isinstance(result, str):
            return [result]
        return list(result)


def guard(fn: Callable[[Engagement], Reasons]) -> Guard:
    return Guard(fn)


# --- Conditions a later Action lays on a step ---------------------------------
#
# A later Action (the register's rules on commanders and exclusions) adds conditions to a step from its
# AppConfig.ready(); the step declares `attached(name)` among its conditions, so the core imports none of them.

StepRule = Callable[[Engagement], Reasons]
_attached: dict[str, dict[str, StepRule]] = {}


def step_rule_attach(app_label: str, rules: dict[str, StepRule]) -> None:
    """Refuse the step `name` for the reasons rules[name] gives; called once from an app's ready()."""
    for name, rule in rules.items():
        _attached.setdefault(name, {})[app_label] = rule


def attached(step: str) -> Guard:
    """The conditions later Actions attached to `step`, as one guard (nothing attached: it passes)."""

    def later_actions_allow(engagement):
        reasons: list[str] = []
        for rule in _attached.get(step, {}).values():
            reasons.extend(Guard(rule).refusals(engagement))
        return reasons

    later_actions_allow.__name__ = f"attached_to_{step}"
    return Guard(later_actions_allow)


def _related(engagement: Engagement, name: str):
    try:
        return getattr(engagement, name)
    except ObjectDoesNotExist:
        return None


# --- Draft and Action 1 ------------------------------------------------------


@guard
def activities_described(engagement):
    if not engagement.activities.exists():
        return "No support activity has been described yet."


@guard
def screening_answered(engagement):
    screening = _related(engagement, "screening")
    if screening is None or not screening.is_answered:
        return "The screening questions have not all been answered yet."


@guard
def screening_concludes_not_applicable(engagement):
    screening = _related(engagement, "screening")
    if screening is None or not screening.is_answered:
        return None  # reported by screening_answered
    if screening.prudential_assessment:
        return "A prudential assessment was chosen, so the engagement goes on to the preconditions."
    if screening.concludes_applicable:
        return "The screening answers say the policy applies: a non-UN security force receives non-exempt support."


@guard
def no_non_exempt_activity(engagement):
    # T/Action 1: support that mixes exempt and non-exempt activities must be assessed.
    non_exempt = [a.description for a in engagement.activities.all() if not a.is_exempt]
    if non_exempt:
        listed = "; ".join(non_exempt)
        return f"At least one activity is non-exempt support ({listed}), so the engagement must be assessed."


@guard
def screening_concludes_applicable(engagement):
    screening = _related(engagement, "screening")
    if screening is None or not screening.is_answered:
        return None  # reported by screening_answered
    if not screening.concludes_applicable and not screening.prudential_assessment:
        return (
            "The screening answers say the policy does not apply; conclude 'not applicable', "
            "or choose a prudential assessment to assess anyway."
        )


# --- Action 2 ----------------------------------------------------------------


@guard
def all_preconditions_met(engagement):
    check = _related(engagement, "preconditions")
    if check is None:
        return "The four preconditions have not been checked yet."
    reasons = []
    for key, label in check.CHECKS:
        met, evidence = check.result(key)
        if met is None:
            reasons.append(f"Precondition not yet checked: {label}.")
        elif not met:
            reasons.append(f"Precondition not met: {label}. The office cannot engage; record the request as ineligible.")
        elif not evidence.strip():
            reasons.append(f"Precondition '{label}' is marked met but has no evidence.")
    return reasons


@guard
def some_precondition_not_met(engagement):
    check = _related(engagement, "preconditions")
    if check is None or not any(check.result(key)[0] is False for key, _ in check.CHECKS):
        return "No precondition is recorded as not met."


# --- Action 3 ----------------------------------------------------------------


@guard
def coordination_recorded(engagement):
    record = _related(engagement, "coordination")
    if record is None or record.mechanism_exists is None:
        return "Record whether a UN HRDDP country mechanism exists."
    reasons = []
    if record.mechanism_exists and not record.inform_of_decisions.strip():
        reasons.append("Name who in the country mechanism must be informed of the office's decisions.")
    if record.gpraf_reference and not record.gpraf_date:
        reasons.append("Give the date of the GPRAF.")
    return reasons


# --- Action 4 ----------------------------------------------------------------


@guard
def assessment_complete(engagement):
    assessment = engagement.current_assessment
    if assessment is None:
        return "No risk assessment has been started."
    return assessment.missing_for_submission()


@guard
def assessment_rated_high(engagement):
    assessment = engagement.current_assessment
    if assessment is None or assessment.final_rating != "high":
        return "Support can only be declined when the risk assessment's final rating is high."


@guard
def supported_before_with_standing_plan(engagement):
    # After a reassessment the COM may keep the approved plan (T/Action 4).
    if engagement.support_approved_at is None:
        return "Support has never been approved for this engagement, so the mitigation plan must be drawn up."
    assessment = engagement.current_assessment
    if assessment is not None and assessment.final_rating == "high":
        return "The reassessment rates the risk high: the mitigation plan must be reviewed."


# --- Action 5 ----------------------------------------------------------------


@guard
def mitigation_plan_complete(engagement):
    plan = _related(engagement, "mitigation_plan")
    if plan is None:
        return "No mitigation plan has been drawn up."
    return plan.missing_for_submission(engagement.current_assessment, _related(engagement, "coordination"))


@guard
def residual_risk_not_high(engagement):
    plan = _related(engagement, "mitigation_plan")
    if plan is None or not plan.residual_risk:
        return "The residual risk after mitigation has not been stated."
    if plan.residual_risk == "high":
        return "The residual risk after mitigation is high: support cannot be approved."


@guard
def notification_letter_issued(engagement):
    # interventions.models.LetterKind.NOTIFICATION, read through the engagement's own relation: the core
    # imports no later Action.
    if not engagement.letters.filter(kind="notification", issued_at__isnull=False).exists():
        return "The notification letter on the core principles (P¶19) has not been issued to the recipient authority."


@guard
def intervention_procedure_filled(engagement):
    procedure = _related(engagement, "intervention_procedure")
    if procedure is None:
        return "The internal intervention procedure (who monitors, the recipient's focal point, how violations reach the Chief of Mission) is not filled in."
    return procedure.missing()


# --- Action 7 ----------------------------------------------------------------


@guard
def grave_violation_reported(engagement):
    # The Chief of Mission's determination in force (monitoring.GraveViolationDetermination), read through the relation.
    if not engagement.incidents.filter(
        grave_violation=True, substantial_grounds=True, determinations__withdrawn_at__isnull=True,
        determinations__isnull=False,
    ).exists():
        return "No grave violation has been determined by the Chief of Mission on reliable information (P¶26)."


@guard
def course_of_action_chosen(engagement):
    case = engagement.open_intervention_case
    if case is None:
        return "There is no open intervention case."
    if not case.chosen_courses():
        return "Choose at least one course of action first."


def _course_recorded(engagement) -> bool:
    case = engagement.open_intervention_case
    return case is not None and case.course_recorded_at is not None


@guard
def course_of_action_recorded(engagement):
    if not _course_recorded(engagement):
        return "A course of action must be recorded and tried first: suspension is a last resort."


@guard
def course_of_action_recorded_before_result(engagement):
    if not _course_recorded(engagement):
        return "Record the course of action agreed with the Chief of Mission before recording its result."


@guard
def suspension_risks_evaluated(engagement):
    case = engagement.open_intervention_case
    if case is None or not case.suspension_risk_evaluation.strip():
        return "The risks of suspending support, including to the safety of staff, have not been evaluated (P¶21(g))."


@guard
def suspension_skip_explained(engagement):
    case = engagement.open_intervention_case
    if case is None or not case.why_suspension_skipped.strip():
        return "Support is ceased after suspension; to cease straight from intercession, record why suspension is skipped."
