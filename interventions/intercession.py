"""Action 7 in the policy's order: determination, intercession, continuing violations, decision and its letter.

P¶26: on reliable information giving substantial grounds (the Chief of Mission's determination,
monitoring.determinations), the office brings the grounds to the attention of the national authorities: the
intercession, made by an issued intercession letter or a communication through the agreed channel recorded here.
P¶27: only if, despite the intercession, reliable information gives substantial grounds that violations
continue (a determination on an incident dated after the intercession) may support be suspended or withdrawn,
and then it must be: continuing support (Result A) is refused while such a determination stands. P¶21(e): as a
final resort, once the risks of suspending are evaluated (P¶21(g)).

Suspension, resumption and cessation are taken with their letter: the step alone is refused until its letter is
issued, and the letter's page issues the letter and takes the step in one action (`letter_issue_with_step`).

The rules are laid on the core's steps from InterventionsConfig.ready() (hrddp.guards.step_rule_attach): the
order under this app's label, the letters under "<label>.letters", so that issuing the letter with the step can
check every other condition first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrddp import access
from hrddp.guards import step_rule_attach
from hrddp.lifecycle import refusal_reasons
from hrddp.models import AuditAction, Engagement, State, User
from hrddp.services import EngagementChangedMeanwhile, TransitionRefused, audit_record, engagement_transition
from interventions import letters as letter_services
from interventions.decision_letters import (
    DECISION_LETTERS,
    STEP_LETTER,
    STEP_WORDS,
    decision_step_pending,
)
from interventions.models import IntercessionCommunication, InterventionCase, Letter, LetterKind
from monitoring.models import GraveViolationDetermination

_TEXT_MAX = 20000

@dataclass(frozen=True)
class Intercession:
    """When and how the grounds were brought to the authorities (P¶26)."""

    on: date
    how: str
    who: User | None
    letter: Letter | None = None
    communication: IntercessionCommunication | None = None


def _case_letters(case: InterventionCase, kinds):
    # A case's letters are those drafted since it opened (as on its timeline), issued.
    return case.engagement.letters.filter(
        kind__in=kinds, issued_at__isnull=False, created_at__gte=case.opened_at
    ).select_related("issued_by")


def intercession_made(case: InterventionCase) -> Intercession | None:
    """The first time the intercession was brought to the authorities for this case, if it was."""
    made = []
    for letter in _case_letters(case, [LetterKind.INTERCESSION]):
        on = letter.letter_date or timezone.localdate(letter.issued_at)
        made.append(Intercession(
            on=on, how=_("Intercession letter %(ref)s") % {"ref": letter.reference}, who=letter.issued_by,
            letter=letter,
        ))
    for communication in case.communications.select_related("recorded_by"):
        made.append(Intercession(
            on=communication.communicated_on,
            how=_("%(channel)s with %(counterpart)s") % {
                "channel": communication.channel, "counterpart": communication.counterpart,
            },
            who=communication.recorded_by, communication=communication,
        ))
    return min(made, key=lambda m: m.on) if made else None


def determinations_in_force(engagement: Engagement):
    return GraveViolationDetermination.objects.filter(
        incident__engagement=engagement, withdrawn_at__isnull=True
    ).select_related("incident", "determined_by").order_by("incident__occurred_on", "determined_at", "pk")


def continuing_violations(case: InterventionCase, made: Intercession | None) -> list[GraveViolationDetermination]:
    """Determinations in force on incidents dated after the intercession: violations continuing despite it
    (P¶27). An incident of the day of the intercession or before it does not count."""
    if made is None:
        return []
    return list(determinations_in_force(case.engagement).filter(incident__occurred_on__gt=made.on))


def _when(value: date | datetime) -> str:
    return f"{value:%d %B %Y}"


# --- The rules on the core's steps -------------------------------------------------------------------------


def _order_refusals(engagement: Engagement, decision: str) -> list[str]:
    case = engagement.open_intervention_case
    if case is None:
        return []  # the core's conditions say there is no case
    case.engagement = engagement
    made = intercession_made(case)
    if made is None:
        return [_(
            "The intercession has not been brought to the authorities yet (P¶26): issue the intercession letter, "
            "or record the communication through the agreed channel with its date and counterpart. %(decision)s "
            "comes only after it (P¶27)."
        ) % {"decision": decision.capitalize()}]
    if not continuing_violations(case, made):
        return [_(
            "No grave violation dated after the intercession of %(date)s has been determined: P¶27 allows "
            "%(decision)s only if reliable information shows violations continuing despite the intercession. "
            "The Chief of Mission determines it on the incident that shows it."
        ) % {"date": _when(made.on), "decision": decision}]
    return []


def suspend_refusals(engagement: Engagement) -> list[str]:
    return _order_refusals(engagement, STEP_WORDS["suspend"])


def cease_refusals(engagement: Engagement) -> list[str]:
    # Ceasing after suspension went through the order already; straight from intercession it must too.
    if engagement.state != State.INTERCESSION:
        return []
    return _order_refusals(engagement, STEP_WORDS["cease"])


def resolve_refusals(engagement: Engagement) -> list[str]:
    case = engagement.open_intervention_case
    if case is None:
        return []
    case.engagement = engagement
    made = intercession_made(case)
    continuing = continuing_violations(case, made)
    if not continuing:
        return []
    first = continuing[0]
    return [_(
        "P¶27: grave violations continued after the intercession of %(made)s (the incident of %(incident)s, "
        "determined on %(determined)s by %(who)s): support must now be suspended or withdrawn, not continued. "
        "If that determination was mistaken, the Chief of Mission withdraws it with reasons on the incident's page."
    ) % {
        "made": _when(made.on), "incident": _when(first.incident.occurred_on),
        "determined": _when(timezone.localtime(first.determined_at)), "who": first.determined_by,
    }]


def decision_letter(engagement: Engagement, step: str) -> Letter | None:
    """The issued letter that goes with the decision `step` on the open case, if there is one."""
    case = engagement.open_intervention_case
    if case is None:
        return None
    case.engagement = engagement
    return _case_letters(case, [STEP_LETTER[step]]).order_by("issued_at", "pk").first()


def _letter_refusal(step: str):
    def refusal(engagement: Engagement):
        if engagement.open_intervention_case is None or decision_letter(engagement, step) is not None:
            return None
        kind = LetterKind(STEP_LETTER[step])
        return _(
            "%(decision)s is taken with its letter to the authorities (%(kind)s): draft it, and the Chief of "
            "Mission issues it and takes this step in one action on the letter's page."
        ) % {"decision": STEP_WORDS[step].capitalize(), "kind": kind.label}

    refusal.__name__ = f"{step}_letter_issued"
    return refusal


def attach(app_label: str) -> None:
    step_rule_attach(app_label, {"suspend": suspend_refusals, "cease": cease_refusals, "resolve": resolve_refusals})
    step_rule_attach(f"{app_label}.letters", {step: _letter_refusal(step) for step in STEP_LETTER})


# --- Services -----------------------------------------------------------------------------------------------


def intercession_communication_record(
    *, by: User, case: InterventionCase, communicated_on: date | None, counterpart: str, channel: str, summary: str,
) -> IntercessionCommunication:
    """Record that the grounds were brought to the authorities through the agreed channel (P¶26): the project
    manager or the Chief of Mission, while the office intercedes."""
    engagement = case.engagement
    if not access.may_prepare_or_decide(by, engagement):
        raise PermissionDenied(_("Only the engagement's project manager or Chief of Mission records the intercession."))
    counterpart, channel, summary = ((v or "").strip() for v in (counterpart, channel, summary))
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if communicated_on is None:
        errors["communicated_on"] = [_("Give the date the grounds were brought to the authorities.")]
    elif communicated_on > today:
        errors["communicated_on"] = [_("The date cannot be in the future: record the intercession once it is made.")]
    else:
        first = case.incidents.order_by("occurred_on").values_list("occurred_on", flat=True).first()
        if first is not None and communicated_on < first:
            errors["communicated_on"] = [_(
                "The date is before the first incident of the case (%(date)s): the intercession brings those "
                "grounds to the authorities, so it comes after them."
            ) % {"date": _when(first)}]
    if not counterpart:
        errors["counterpart"] = [_("Name who received the grounds: the recipient's focal point or the official met.")]
    if not channel:
        errors["channel"] = [_("Say how: the agreed channel (meeting, call, note verbale...).")]
    if not summary:
        errors["summary"] = [_("Say what was brought to their attention, and what they answered.")]
    for name, value, limit in (("counterpart", counterpart, 300), ("channel", channel, 300), ("summary", summary, _TEXT_MAX)):
        if len(value) > limit:
            errors.setdefault(name, []).append(_("Keep it to %(n)s characters.") % {"n": limit})
    with transaction.atomic():
        current = InterventionCase.objects.select_for_update().select_related("engagement").get(pk=case.pk)
        if current.closed_at is not None:
            errors.setdefault("__all__", []).append(_("This intervention case is closed: its record no longer changes."))
        elif current.engagement.state not in (State.INTERCESSION, State.SUSPENDED):
            errors.setdefault("__all__", []).append(_("The intercession is recorded while the office intercedes."))
        if errors:
            raise ValidationError(errors)
        communication = IntercessionCommunication.objects.create(
            case=current, communicated_on=communicated_on, counterpart=counterpart, channel=channel,
            summary=summary, recorded_by=by,
        )
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.RECORD_INTERCESSION_MADE,
            justification=_(
                "Brought the grounds to the attention of the authorities on %(date)s: %(channel)s with "
                "%(counterpart)s (P¶26). %(summary)s"
            ) % {"date": _when(communicated_on), "channel": channel, "counterpart": counterpart, "summary": summary},
            details={"case": current.pk, "communication": communication.pk, "on": communicated_on.isoformat()},
        )
    return communication


def refusals_besides_letter(engagement: Engagement, step: str) -> list[str]:
    """Why `step` cannot be taken now, leaving out that its letter is not issued (it is being issued with it)."""
    letter_reasons = set(filter(None, [_letter_refusal(step)(engagement)]))
    return [reason for reason in refusal_reasons(engagement, step) if reason not in letter_reasons]


def letter_issue_with_step(
    *, letter: Letter, by: User, justification: str, expected_revision: int | None = None
) -> Letter:
    """Issue a decision letter (suspension, resumption, cessation) and take its step, all or nothing: the
    letter is not issued when any other condition of the step fails, and the step is not taken without it."""
    engagement = letter.engagement
    step = decision_step_pending(letter)
    if step is None:
        raise ValidationError(_("This letter is not issued with a decision now."))
    if not access.may_issue_letter(by, engagement):
        raise PermissionDenied(_("Only the Chief of Mission issues letters."))
    if not (justification or "").strip():
        raise TransitionRefused([_("Give a justification: every decision records why it was taken.")])
    stored = None
    try:
        with transaction.atomic():
            locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
            if expected_revision is not None and locked.revision != expected_revision:
                raise EngagementChangedMeanwhile()
            reasons = refusals_besides_letter(locked, step)
            if reasons:
                raise TransitionRefused(reasons)
            issued = letter_services.letter_issue(letter=letter, by=by, with_step=True)
            stored = issued.pdf.name
            engagement_transition(
                engagement_id=engagement.pk, name=step, by=by, justification=justification,
                expected_revision=expected_revision,
            )
    except BaseException:
        # The stored PDF is not part of the transaction: remove it when the step failed after the issue.
        if stored:
            letter.pdf.storage.delete(stored)
        raise
    return issued


# --- The checklist on the case page -----------------------------------------------------------------------


def case_checklist(case: InterventionCase) -> dict:
    """The policy's order on one case, each item with its date and who (bounded queries)."""
    engagement = case.engagement
    in_force = list(determinations_in_force(engagement))
    case_incidents = set(case.incidents.values_list("pk", flat=True))
    grounding = next((d for d in in_force if d.incident_id in case_incidents), in_force[0] if in_force else None)
    made = intercession_made(case)
    continuing = [d for d in in_force if made is not None and d.incident.occurred_on > made.on]
    decision_entry = (
        engagement.audit_entries.filter(at__gte=case.opened_at, action__in=["resolve", "suspend", "cease", "resume"])
        .select_related("actor").order_by("-at", "-pk").first()
    )
    decision_letters = {
        letter.kind: letter
        for letter in _case_letters(case, list(DECISION_LETTERS)).order_by("issued_at", "pk")
    }
    items = [
        {
            "key": "determination", "label": _("Grave violation determined on reliable information (P¶26)"),
            "done": grounding is not None,
            "when": grounding.determined_at if grounding else None, "who": grounding.determined_by if grounding else None,
            "text": (
                _("The incident of %(date)s.") % {"date": _when(grounding.incident.occurred_on)} if grounding else
                _("No determination in force: the Chief of Mission determines it on the incident's page.")
            ),
        },
        {
            "key": "intercession", "label": _("Intercession brought to the authorities (P¶26)"),
            "done": made is not None, "when": made.on if made else None, "who": made.who if made else None,
            "text": made.how if made else _(
                "Issue the intercession letter, or record the communication with the focal point below."
            ),
        },
        {
            "key": "continuing", "label": _("Violations continuing despite the intercession (P¶27)"),
            "done": bool(continuing),
            "when": continuing[0].determined_at if continuing else None,
            "who": continuing[0].determined_by if continuing else None,
            "text": (
                _("The incident of %(date)s, after the intercession.") % {"date": _when(continuing[0].incident.occurred_on)}
                if continuing else _("None determined after the intercession: support may not be suspended or withdrawn.")
                if made else _("Counted from the intercession, once it is made.")
            ),
        },
        {
            "key": "risks", "label": _("Risks of suspending evaluated (P¶21(g))"),
            "done": bool(case.suspension_risk_evaluation.strip()),
            "when": case.suspension_evaluated_at, "who": case.suspension_evaluated_by,
            "text": "" if case.suspension_risk_evaluation.strip() else _("Not evaluated yet."),
        },
    ]
    decided = decision_entry is not None
    letter = decision_letters.get(STEP_LETTER.get(decision_entry.action, "")) if decided else None
    items.append({
        "key": "decision", "label": _("Decision and its letter"),
        "done": decided, "when": decision_entry.at if decided else None, "who": decision_entry.actor if decided else None,
        "text": (
            (decision_entry.get_action_display() + (f" — {letter.reference}" if letter else ""))
            if decided else _("Not taken yet.")
        ),
        "letter": letter,
    })
    return {
        "checklist": items, "intercession": made, "continuing": continuing,
        "must_suspend_or_withdraw": bool(continuing) and case.closed_at is None
        and engagement.state == State.INTERCESSION,
    }


def _link_determined_incidents(sender, incidents, by, **kwargs):
    """An incident determined while the office intercedes joins the open case: it is what the case is about."""
    for incident in incidents:
        engagement = incident.engagement
        if engagement.state not in (State.INTERCESSION, State.SUSPENDED):
            continue
        if not incident.determinations.filter(withdrawn_at__isnull=True).exists():
            continue
        case = engagement.open_intervention_case
        if case is not None:
            case.incidents.add(incident)


def connect(app_label: str) -> None:
    from monitoring.models import Incident
    from monitoring.signals import incidents_graded_grave

    incidents_graded_grave.connect(
        _link_determined_incidents, sender=Incident, dispatch_uid=f"{app_label}:link_determined_incidents"
    )
