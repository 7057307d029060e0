"""The policy's rules on who commands a supported unit, laid on the core's steps (P¶12(a)(iii), P¶16, P¶19).

Support cannot be given to a unit under the command of someone against whom there is a substantiated allegation
of grave violations (P¶19), nor while that person is excluded from support; the commander of the command or force
above the unit counts too (P¶12(a)(iii)). So while a current commander of the engagement's recipient, of one of
its activities' target units, or of a command or force above them is flagged, the Chief of Mission's endorsement,
the approval of support and the endorsement that the plan stands are refused, and so is a new activity to such a
unit. The way out (P¶16, T/Action 5 §6): the mitigation plan holds a measure excluding that person from the support
and the Chief of Mission recorded why support may go on (register.models.SupportContinuation); a cleared
allegation, a lifted exclusion or the end of the command period lifts the block by itself. Approving support is
refused as well while an exclusion in force covers the supported unit.

Every reading here is a fixed handful of queries, whatever the number of activities, commanders or allegations:
the engagement page asks for every step it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from hrddp.models import CommandPeriod, Engagement, PersonOfInterest, Recipient
from interventions.models import Exclusion
from mitigation.models import MeasureStatus, MitigationMeasure
from register.models import Allegation, AllegationStatus, SupportContinuation

SUMMARY_START = 80


# --- Words --------------------------------------------------------------------------------------------


def day_text(day: date) -> str:
    """12 March 2026."""
    return f"{day.day} {day:%B %Y}"


def summary_start(text: str, length: int = SUMMARY_START) -> str:
    """The first words of a text, cut at a word with an ellipsis when it is longer."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text.rstrip(" .")
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def allegation_text(allegation: Allegation) -> str:
    """Gross violations of human rights, 12 March 2026: Ordered the beating of…"""
    when = f", {day_text(allegation.occurred_on)}" if allegation.occurred_on else ""
    # The category's name without its gloss ("Command responsibility: failed to prevent, ..." → its first words).
    category = allegation.get_category_display().split(":")[0]
    return f"{category}{when}: {summary_start(allegation.summary)}"


def _exclusion_text(exclusion: Exclusion) -> str:
    return f"since {day_text(timezone.localdate(exclusion.excluded_at))} ({exclusion.reason.strip().rstrip('.')})"


# --- What is supported, and who commands it -------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    pk: int
    name: str


@dataclass(frozen=True)
class Supported:
    """The supported units (the recipient, the activities' target units), each with its lineage, nearest first:
    [the unit, its command, its force]."""

    lineages: dict[int, list[Unit]]

    @property
    def unit_ids(self) -> set[int]:
        return {unit.pk for chain in self.lineages.values() for unit in chain}


_LINEAGE_COLUMNS = ("pk", "name", "parent_id", "parent__name", "parent__parent_id", "parent__parent__name")


def _supported_from(rows) -> Supported:
    lineages = {}
    for pk, name, parent_id, parent_name, grand_id, grand_name in rows:
        chain = [Unit(pk, name)]
        if parent_id is not None:
            chain.append(Unit(parent_id, parent_name))
        if grand_id is not None:
            chain.append(Unit(grand_id, grand_name))
        lineages[pk] = chain
    return Supported(lineages)


def supported_units(engagement: Engagement) -> Supported:
    """The engagement's recipient and its activities' target units, with the commands and forces above. One query."""
    rows = (
        Recipient.objects.filter(Q(pk=engagement.recipient_id) | Q(targeted_by_activities__engagement_id=engagement.pk))
        .values_list(*_LINEAGE_COLUMNS)
        .distinct()
    )
    return _supported_from(rows)


def target_units(target: Recipient) -> Supported:
    """One target of a new activity, with the commands and forces above it (no query when its parents are loaded,
    as the pages offering targets load them)."""
    return Supported({target.pk: [Unit(r.pk, r.name) for r in reversed(target.lineage())]})


def _current(day: date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def current_command_periods(unit_ids, *, day: date | None = None):
    """Command periods held today over these units (the holder commands on the last day too)."""
    return CommandPeriod.objects.filter(unit_id__in=list(unit_ids)).filter(_current(day or timezone.localdate()))


def person_flagged() -> Q:
    """The condition on a query of command periods (or of anything with a `person_id`) that the person has a
    substantiated allegation or is excluded from support."""
    substantiated = Allegation.objects.filter(person_id=OuterRef("person_id"), status=AllegationStatus.SUBSTANTIATED)
    excluded = Exclusion.objects.active().filter(person_id=OuterRef("person_id"))
    return Q(Exists(substantiated)) | Q(Exists(excluded))


@dataclass(frozen=True)
class CommanderFlag:
    """A current commander of a supported unit (or of a command above it) who is flagged, with what flags them and
    how far the way out has gone for this engagement."""

    person: PersonOfInterest
    period: CommandPeriod
    supported: Unit
    allegations: tuple[Allegation, ...]  # substantiated, latest first
    exclusion: Exclusion | None
    measure: MitigationMeasure | None = None  # a measure of the engagement's plan, not dropped, excluding the person
    continuation: SupportContinuation | None = None  # the Chief of Mission's reasons, recorded on such a measure
    # The Chief of Mission's reasons recorded before the plan existed (no measure yet): enough to endorse.
    reasons_before_plan: SupportContinuation | None = None

    @property
    def covered(self) -> bool:
        """The way out is recorded for this engagement."""
        return self.continuation is not None

    @property
    def covered_for_endorsement(self) -> bool:
        """The Chief of Mission recorded why support may go on: on the plan's measure, or before the plan exists."""
        return self.continuation is not None or self.reasons_before_plan is not None

    @property
    def who(self) -> str:
        """Colonel Tomas Reyl, current Commander of Esse Province (above Kael Rapid Unit)"""
        position = self.period.position.strip() or "commander"
        unit = self.period.unit
        named = unit.name.lower() in position.lower()
        if unit.pk == self.supported.pk:
            where = "" if named else f" ({unit.name})"
        else:
            where = f" (above {self.supported.name})" if named else f" ({unit.name}, above {self.supported.name})"
        return f"{self.person}, current {position}{where}"

    @property
    def why(self) -> str:
        """has a substantiated allegation (…) and is excluded from support since … (…)"""
        parts = []
        if self.allegations:
            latest = allegation_text(self.allegations[0])
            if len(self.allegations) == 1:
                parts.append(f"has a substantiated allegation ({latest})")
            else:
                parts.append(f"has {len(self.allegations)} substantiated allegations (the latest: {latest})")
        if self.exclusion is not None:
            parts.append(f"is excluded from support {_exclusion_text(self.exclusion)}")
        return " and ".join(parts)

    @property
    def stated(self) -> str:
        return f"{self.who}, {self.why}."

    def endorsement_refusal(self) -> str:
        """Why the assessment cannot be endorsed: before the plan exists, the Chief of Mission's reasons suffice."""
        if self.measure is not None:
            return self.refusal()
        return (
            f"{self.stated} The assessment cannot be endorsed unless the Chief of Mission records why support may "
            "go on and how this person will be kept out of it (P¶16); approving support will then need a measure "
            "of the mitigation plan excluding this person."
        )

    def refusal(self, cannot: str = "Support cannot go on") -> str:
        """Why the step (or, with `cannot`, the new activity) is refused, and the way out, in a PM's words."""
        if self.measure is None:
            return (
                f"{self.stated} {cannot} unless the mitigation plan holds a measure excluding this person from the "
                "support and the Chief of Mission records why support may go on (P¶16)."
            )
        return (
            f"{self.stated} The mitigation plan's measure “{self.measure.title}” excludes this person from the "
            "support; the Chief of Mission must still record why support may go on (P¶16)."
        )


def _flags_over(supported: Supported, engagement: Engagement | None) -> list[CommanderFlag]:
    """The flagged current commanders over the supported units, one per person, nearest unit first: one query when
    none is flagged, at most five otherwise."""
    if not supported.lineages:
        return []
    periods = list(
        current_command_periods(supported.unit_ids)
        .filter(person_flagged())
        .select_related("person", "unit")
        .order_by("start_date", "pk")
    )
    if not periods:
        return []
    # Each person once: over the first supported unit they command or are above, by the nearest of their periods.
    chosen: dict[int, tuple[CommandPeriod, Unit]] = {}
    by_unit: dict[int, list[CommandPeriod]] = {}
    for period in periods:
        by_unit.setdefault(period.unit_id, []).append(period)
    for supported_id in sorted(supported.lineages):
        chain = supported.lineages[supported_id]
        for unit in chain:
            for period in by_unit.get(unit.pk, []):
                chosen.setdefault(period.person_id, (period, chain[0]))
    person_ids = list(chosen)
    allegations: dict[int, list[Allegation]] = {}
    for allegation in (
        Allegation.objects.substantiated().filter(person_id__in=person_ids)
        .order_by("person_id", F("occurred_on").desc(nulls_last=True), "-pk")
    ):
        allegations.setdefault(allegation.person_id, []).append(allegation)
    exclusions = {
        e.person_id: e
        for e in Exclusion.objects.active().filter(person_id__in=person_ids).order_by("excluded_at", "pk")
    }
    measures: dict[int, list[MitigationMeasure]] = {}
    continuations: dict[int, SupportContinuation] = {}
    if engagement is not None and engagement.pk is not None:
        for measure in (
            MitigationMeasure.objects.filter(plan__engagement_id=engagement.pk, excludes_person_id__in=person_ids)
            .exclude(status=MeasureStatus.DROPPED)
            .order_by("pk")
        ):
            measures.setdefault(measure.excludes_person_id, []).append(measure)
        continuations = {
            c.person_id: c
            for c in SupportContinuation.objects.filter(engagement_id=engagement.pk, person_id__in=person_ids)
            .select_related("decided_by")
        }
    flags = []
    for person_id, (period, unit) in chosen.items():
        live = measures.get(person_id, [])
        continuation = continuations.get(person_id)
        before_plan = continuation if continuation is not None and continuation.measure_id is None else None
        if continuation is not None and continuation.measure_id not in {m.pk for m in live}:
            continuation = None  # its measure was dropped, changed or taken out of the plan: no longer a way out
        measure = next((m for m in live if continuation and m.pk == continuation.measure_id), live[0] if live else None)
        flags.append(CommanderFlag(
            person=period.person, period=period, supported=unit, allegations=tuple(allegations.get(person_id, ())),
            exclusion=exclusions.get(person_id), measure=measure, continuation=continuation,
            reasons_before_plan=before_plan,
        ))
    return flags


def commander_flags(engagement: Engagement, *, supported: Supported | None = None) -> list[CommanderFlag]:
    """Every flagged current commander of the engagement's supported units, whether or not the way out is recorded
    (`flag.covered`). At most six queries."""
    return _flags_over(supported or supported_units(engagement), engagement)


def flagged_commanders(engagement: Engagement) -> list[tuple[PersonOfInterest, str]]:
    """(person, why) for each flagged current commander of the supported units for whom the way out is not
    recorded: who they are, what they command and what flags them."""
    return [(flag.person, flag.stated) for flag in commander_flags(engagement) if not flag.covered]


# --- The rules laid on the steps ----------------------------------------------------------------------------


def commanders_refusals(engagement: Engagement) -> list[str]:
    return [flag.refusal() for flag in commander_flags(engagement) if not flag.covered]


def endorsement_refusals(engagement: Engagement) -> list[str]:
    # The plan is drawn up after endorsement: the Chief of Mission's reasons are the way out until then.
    return [flag.endorsement_refusal() for flag in commander_flags(engagement) if not flag.covered_for_endorsement]


def _unit_exclusion_refusals(engagement: Engagement, supported: Supported) -> list[str]:
    """An exclusion in force of a supported unit, or of the command or force above it (they cover it). One query."""
    exclusions = {
        e.unit_id: e
        for e in Exclusion.objects.active().filter(unit_id__in=list(supported.unit_ids)).order_by("excluded_at", "pk")
        .select_related("unit")
    }
    if not exclusions:
        return []
    reasons = []
    for supported_id in sorted(supported.lineages, key=lambda pk: (pk != engagement.recipient_id, pk)):
        chain = supported.lineages[supported_id]
        exclusion = next((exclusions[u.pk] for u in chain if u.pk in exclusions), None)
        if exclusion is None:
            continue
        what = "the recipient" if supported_id == engagement.recipient_id else "an activity's target"
        covered = "" if exclusion.unit_id == supported_id else f", and {chain[0].name} ({what}) with it"
        text = (
            f"{exclusion.unit.name} is excluded from support {_exclusion_text(exclusion)}{covered}: "
            "support cannot be approved while the exclusion is in force."
        )
        if text not in reasons:
            reasons.append(text)
    return reasons


def approval_refusals(engagement: Engagement) -> list[str]:
    supported = supported_units(engagement)
    return _unit_exclusion_refusals(engagement, supported) + [
        flag.refusal() for flag in commander_flags(engagement, supported=supported) if not flag.covered
    ]


def activity_target_refusal(target: Recipient, engagement: Engagement | None = None) -> str | None:
    """Why no new activity may go to `target`: a current commander of it, or of the command or force above it, is
    flagged, and the way out is not recorded for this engagement (none can be before the request is opened)."""
    flags = [flag for flag in _flags_over(target_units(target), engagement) if not flag.covered]
    if not flags:
        return None
    return " ".join(flag.refusal(f"No new activity may go to {target.name}") for flag in flags)


STEP_RULES = {
    "endorse": endorsement_refusals,
    "endorse_plan_stands": commanders_refusals,
    "approve_support": approval_refusals,
}


def attach(app_label: str) -> None:
    """Called once from RegisterConfig.ready()."""
    from hrddp.activity_rules import activity_target_rule_attach
    from hrddp.guards import step_rule_attach

    step_rule_attach(app_label, STEP_RULES)
    activity_target_rule_attach(app_label, activity_target_refusal)
