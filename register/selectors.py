"""What the register knows about one recipient, read for its page: its subtree, the incidents every office
logged about it, the allegations against its people, the accountability record, its exclusions and its
commanders.

The incidents are listed across every office on purpose: an office assessing a unit must see what another
office already logged about it (P¶14: the assessment draws on all information the UN holds). Seeing that an
incident exists is not opening the engagement it belongs to, nor reading its confidential details: the link
goes only to engagements the viewer may open, and victims, witnesses and sources are redacted by the one
presenter that redacts (monitoring.incident_output.IncidentPresenter) unless the viewer holds that
engagement's confidential access. Every query here is a fixed number per page, whatever the number of rows.

The allegations are those against the recipient's people: the persons of interest of the recipient and its commands
and units, and whoever held a command over any of them, then or now (P¶12(a)(iii): a commander answers for what
was done under their command, and a past commander of a unit may command another). An allegation is a register
record, shared by the offices of the person's country; it holds no victim's or witness's name (its sources are
described without naming one), so every viewer of the recipient reads it in full.

The accountability record (P¶12(b)(ii), P¶14(b)-(c), T/Action 5 §7) is the steps the authorities took on those
allegations and on the incidents about the subtree, one entry per allegation or incident, each with a finding in
words: a substantiated allegation, or an incident classified as a grave violation, with no investigation,
prosecution, disciplinary or remedial action recorded (register.models.ACTION_TAKEN) is a failure to investigate
or prosecute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from hrddp import access
from hrddp.models import CommandPeriod, Engagement, PersonOfInterest, Recipient, Role, in_subtree
from interventions.models import Exclusion
from monitoring.incident_output import IncidentPresenter
from monitoring.models import Incident, VerificationStatus
from register.models import (
    ACTION_TAKEN,
    AccountabilityStep,
    AccountabilityStepKind,
    Allegation,
    AllegationSource,
    AllegationStatus,
    AllegationStatusChange,
)


def recipient_subtree_ids(recipient: Recipient) -> list[int]:
    """The recipient and every command and unit below it (the tree has three levels at most). One query."""
    return list(
        Recipient.objects.filter(in_subtree(recipient)).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class RecipientIncident:
    """One incident as the recipient page shows it: the presented (redacted as due) record, and where it was
    logged. `engagement_pk` is set only when the viewer may open that engagement (the link goes there)."""

    record: dict
    office: str
    engagement_reference: str
    engagement_pk: int | None

    @property
    def may_open(self) -> bool:
        return self.engagement_pk is not None


def recipient_incidents(recipient: Recipient, *, user, subtree_ids: list[int] | None = None) -> list[RecipientIncident]:
    """The incidents about the recipient and its commands and units, from every office's engagements, newest
    first, each as `user` may see it. A fixed number of queries whatever the number of incidents."""
    ids = subtree_ids if subtree_ids is not None else recipient_subtree_ids(recipient)
    incidents = list(
        Incident.objects.filter(recipient_id__in=ids)
        .select_related("engagement__office", "recipient__parent__parent", "logged_by")
        .prefetch_related("persons_implicated__recipient")
        .order_by("-occurred_on", "-pk")
    )
    if not incidents:
        return []
    engagement_ids = {incident.engagement_id for incident in incidents}
    openable = set(
        access.visible_engagements(user).filter(pk__in=engagement_ids).values_list("pk", flat=True)
    )
    confidential = access.confidential_engagement_ids(user) & engagement_ids
    presenters: dict[int, IncidentPresenter] = {}
    rows = []
    for incident in incidents:
        engagement: Engagement = incident.engagement
        presenter = presenters.get(engagement.pk)
        if presenter is None:
            presenter = IncidentPresenter(engagement=engagement, confidential=engagement.pk in confidential)
            presenters[engagement.pk] = presenter
        rows.append(
            RecipientIncident(
                record=presenter.present(incident),
                office=engagement.office.name,
                engagement_reference=engagement.reference,
                engagement_pk=engagement.pk if engagement.pk in openable else None,
            )
        )
    return rows


def recipient_exclusions(recipient: Recipient) -> tuple[list[Exclusion], list[Exclusion]]:
    """(in force, lifted): the exclusions of the recipient, of the force or command above it (they cover it), and
    of its persons of interest, newest first. One query."""
    above = [r.pk for r in recipient.lineage()]
    exclusions = list(
        Exclusion.objects.filter(Q(unit_id__in=above) | Q(person__recipient=recipient))
        .select_related("unit", "person", "engagement", "excluded_by", "lifted_by")
        .order_by("-excluded_at", "-pk")
    )
    return (
        [e for e in exclusions if e.lifted_at is None],
        [e for e in exclusions if e.lifted_at is not None],
    )


def recipient_command_periods(recipient: Recipient, *, today: date | None = None) -> tuple[list, list]:
    """(current, past) command periods over the recipient, latest start first. A period is current while it has
    no end date or its end date has not passed (the holder commands on the last day too). One query."""
    day = today or timezone.localdate()
    periods = list(
        CommandPeriod.objects.filter(unit=recipient).select_related("person").order_by("-start_date", "pk")
    )
    current = [p for p in periods if p.end_date is None or p.end_date >= day]
    past = [p for p in periods if not (p.end_date is None or p.end_date >= day)]
    return current, past


def recipient_engagements(recipient: Recipient, *, user, subtree_ids: list[int]) -> QuerySet[Engagement]:
    """The engagements with the recipient or its commands and units that the user may open, newest first."""
    return (
        access.visible_engagements(user)
        .filter(recipient_id__in=subtree_ids)
        .select_related("office", "recipient")
        .order_by("-created_at", "-pk")
    )


# --- Allegations against the recipient's people --------------------------------------------------------------


# Who changed an allegation's status, in the words of its record.
_ROLE_WORDS = {
    Role.CHIEF_OF_MISSION: "the Chief of Mission",
    Role.HQ_HUMAN_RIGHTS: "the HQ Human Rights Team",
    Role.PROJECT_MANAGER: "a project manager",
    Role.REGIONAL_SPECIALIST: "a regional specialist",
}


def _by_role(role: str) -> str:
    return _ROLE_WORDS.get(role, role or "someone whose role was not recorded")


@dataclass(frozen=True)
class RecipientAllegation:
    """One allegation as the recipient's record shows it: against whom, how that person is tied to the recipient,
    its best-graded source, the office that recorded it, its last change of status and the incident it arises
    from (`incident_engagement_pk` set only when the viewer may open that incident's engagement)."""

    allegation: Allegation
    ties: tuple[str, ...]
    commands_now: bool
    best_source: AllegationSource | None
    sources: tuple[AllegationSource, ...]
    office: str
    last_change: AllegationStatusChange | None
    incident_engagement_pk: int | None

    @property
    def pk(self) -> int:
        return self.allegation.pk

    @property
    def person(self) -> PersonOfInterest:
        return self.allegation.person

    @property
    def occurred_on(self) -> date | None:
        return self.allegation.occurred_on

    @property
    def category(self) -> str:
        return self.allegation.get_category_display()

    @property
    def status(self) -> str:
        return self.allegation.status

    @property
    def status_label(self) -> str:
        return self.allegation.get_status_display()

    @property
    def status_words(self) -> str:
        """The status spelled out with who moved it there and when, e.g. "Substantiated by the Chief of Mission
        on 3 Mar 2026", or "Reported: recorded by a project manager on 1 Mar 2026" while it never moved."""
        change = self.last_change
        if change is None or change.to_status != self.allegation.status:
            return f"{self.status_label}: recorded on {timezone.localtime(self.allegation.recorded_at):%-d %b %Y}"
        when = f"{timezone.localtime(change.at):%-d %b %Y}"
        if not change.from_status:
            return f"{self.status_label}: recorded by {_by_role(change.role)} on {when}"
        return f"{self.status_label} by {_by_role(change.role)} on {when}"

    @property
    def grade(self) -> str:
        return self.best_source.grade if self.best_source is not None else ""

    @property
    def substantiated(self) -> bool:
        return self.allegation.status == AllegationStatus.SUBSTANTIATED

    @property
    def is_open(self) -> bool:
        return self.allegation.is_open

    @property
    def incident(self) -> Incident | None:
        return self.allegation.incident

    @property
    def may_open_incident(self) -> bool:
        return self.incident_engagement_pk is not None


def _grade_key(source: AllegationSource) -> tuple[str, str]:
    # A1 is the best grade: the most reliable source first, then the most credible information.
    return (source.source_reliability, source.information_credibility)


def _ties(person: PersonOfInterest, periods: list[CommandPeriod], subtree_ids: set[int], day: date) -> tuple:
    ties = []
    if person.recipient_id in subtree_ids:
        ties.append(f"Member of {person.recipient.name}")
    for period in periods:
        # "Commander of Kael Rapid Unit"; "Deputy Commander of Esse Province (Esse Province Command)" when the
        # position names a place of its own; the position alone when it names the unit already.
        position, unit_name = period.position, period.unit.name
        if unit_name.lower() in position.lower():
            post = position
        elif " of " in position:
            post = f"{position} ({unit_name})"
        else:
            post = f"{position} of {unit_name}"
        if period.end_date is None or period.end_date >= day:
            ties.append(f"{post} since {period.start_date:%-d %b %Y}")
        else:
            ties.append(f"{post}, {period.start_date:%-d %b %Y} to {period.end_date:%-d %b %Y}")
    return tuple(ties)


def recipient_allegations(
    recipient: Recipient, *, user, subtree_ids: list[int] | None = None, openable: dict[int, int | None] | None = None,
    today: date | None = None,
) -> list[RecipientAllegation]:
    """The allegations against the persons of interest of the recipient and its commands and units, and against
    whoever held a command over any of them; by person (A–Z), then newest first. Only those of the countries
    `user` works in (HQ and auditors: all).

    `openable` maps incident ids already read (recipient_incidents) to the engagement the viewer may open (or
    None), so the incidents the allegations arise from are not looked up twice. Five queries at most, whatever
    the number of allegations, sources and status changes."""
    ids = subtree_ids if subtree_ids is not None else recipient_subtree_ids(recipient)
    day = today or timezone.localdate()
    persons = PersonOfInterest.objects.filter(Q(recipient_id__in=ids) | Q(command_periods__unit_id__in=ids))
    queryset = access.scoped_by_country(
        Allegation.objects.filter(person_id__in=persons.values("pk")), user, "person__recipient__country"
    )
    allegations = list(
        queryset.select_related("person__recipient", "office", "incident__recipient", "incident__engagement__office")
        .prefetch_related(
            "sources",
            "status_changes",
            Prefetch(
                "person__command_periods",
                queryset=CommandPeriod.objects.filter(unit_id__in=ids).select_related("unit").order_by("-start_date"),
                to_attr="periods_here",
            ),
        )
        .order_by("person__full_name", "person_id", "-occurred_on", "-pk")
    )
    if not allegations:
        return []
    known = openable or {}
    to_check = {a.incident.engagement_id for a in allegations if a.incident_id and a.incident_id not in known}
    visible = (
        set(access.visible_engagements(user).filter(pk__in=to_check).values_list("pk", flat=True)) if to_check else set()
    )
    subtree = set(ids)
    rows = []
    for allegation in allegations:
        person = allegation.person
        periods = person.periods_here
        sources = tuple(allegation.sources.all())
        changes = list(allegation.status_changes.all())
        incident_engagement_pk = None
        if allegation.incident_id:
            if allegation.incident_id in known:
                incident_engagement_pk = known[allegation.incident_id]
            elif allegation.incident.engagement_id in visible:
                incident_engagement_pk = allegation.incident.engagement_id
        rows.append(
            RecipientAllegation(
                allegation=allegation,
                ties=_ties(person, periods, subtree, day),
                commands_now=any(p.end_date is None or p.end_date >= day for p in periods),
                best_source=min(sources, key=_grade_key) if sources else None,
                sources=sources,
                office=allegation.office.name if allegation.office_id else "HQ",
                last_change=changes[-1] if changes else None,
                incident_engagement_pk=incident_engagement_pk,
            )
        )
    return rows


@dataclass(frozen=True)
class PersonAllegations:
    """The allegations against one person, for the record's list grouped by person."""

    person: PersonOfInterest
    ties: tuple[str, ...]
    commands_now: bool
    allegations: list[RecipientAllegation]

    @property
    def substantiated(self) -> int:
        return sum(1 for a in self.allegations if a.substantiated)


def allegations_by_person(rows: list[RecipientAllegation]) -> list[PersonAllegations]:
    """The rows of recipient_allegations grouped by person, in their order."""
    groups: dict[int, list[RecipientAllegation]] = {}
    for row in rows:
        groups.setdefault(row.person.pk, []).append(row)
    return [
        PersonAllegations(person=items[0].person, ties=items[0].ties, commands_now=items[0].commands_now, allegations=items)
        for items in groups.values()
    ]


def incident_openable(incidents: list[RecipientIncident]) -> dict[int, int | None]:
    """Incident id → the engagement the viewer may open for it (or None), from recipient_incidents' rows."""
    return {row.record["pk"]: row.engagement_pk for row in incidents}


# --- The accountability record ---------------------------------------------------------------------------------

NO_ACTION_RECORDED = "No investigation or prosecution recorded"


def accountability_finding(*, serious: bool, kinds: list[str]) -> tuple[str, bool]:
    """(finding in words, whether it is a failure to investigate or prosecute) for an allegation or incident whose
    recorded steps are of `kinds`, newest first. `serious`: a substantiated allegation, or an incident classified
    as a grave violation and not found unfounded."""
    labels = dict(AccountabilityStepKind.choices)
    acted = list(dict.fromkeys(k for k in kinds if k in ACTION_TAKEN))
    if acted:
        return "The authorities acted: " + "; ".join(labels[k].lower() for k in acted), False
    others = "; ".join(labels.get(k, k).lower() for k in dict.fromkeys(kinds))
    if not serious:
        return (f"No action recorded: {others}" if kinds else "No step recorded yet"), False
    if not kinds:
        return NO_ACTION_RECORDED, True
    return f"{NO_ACTION_RECORDED}; recorded only: {others}", True


@dataclass(frozen=True)
class AccountabilityEntry:
    """What the authorities did about one allegation or one incident, and what that says (the finding).
    `allegation` or `incident` is set, never both; `anchor` is the id of its entry on the recipient's page."""

    anchor: str
    title: str
    occurred_on: date | None
    grading: str
    serious: bool
    steps: list[AccountabilityStep]
    finding: str
    failure: bool
    allegation: RecipientAllegation | None = None
    incident: RecipientIncident | None = None


def _incident_grading(record: dict) -> str:
    if record["gives_substantial_grounds"]:
        classified = "Grave violation, substantial grounds"
    elif record["grave_violation"]:
        classified = "Grave violation"
    else:
        classified = "Not grave"
    return f"{classified}; {record['grade']}; {record['verification']}"


def _incident_is_serious(record: dict) -> bool:
    return bool(record["grave_violation"]) and record["verification_status"] != VerificationStatus.UNFOUNDED


def recipient_accountability(
    recipient: Recipient, *, user, subtree_ids: list[int] | None = None,
    allegations: list[RecipientAllegation] | None = None, incidents: list[RecipientIncident] | None = None,
) -> list[AccountabilityEntry]:
    """The accountability record of the recipient and its commands and units: an entry for every allegation
    (recipient_allegations) and incident (recipient_incidents, redacted as `user` may see them) that is serious
    or has a step recorded; failures to investigate or prosecute first, then newest first. The rows already
    read for the page may be passed in; the steps themselves are one query."""
    ids = subtree_ids if subtree_ids is not None else recipient_subtree_ids(recipient)
    if allegations is None:
        incidents = incidents if incidents is not None else recipient_incidents(recipient, user=user, subtree_ids=ids)
        allegations = recipient_allegations(recipient, user=user, subtree_ids=ids, openable=incident_openable(incidents))
    elif incidents is None:
        incidents = recipient_incidents(recipient, user=user, subtree_ids=ids)
    allegation_ids = [row.pk for row in allegations]
    incident_ids = [row.record["pk"] for row in incidents]
    by_allegation: dict[int, list[AccountabilityStep]] = {}
    by_incident: dict[int, list[AccountabilityStep]] = {}
    if allegation_ids or incident_ids:
        steps = (
            AccountabilityStep.objects.filter(Q(allegation_id__in=allegation_ids) | Q(incident_id__in=incident_ids))
            .select_related("recorded_by")
            .order_by("-taken_on", "-pk")
        )
        for step in steps:
            if step.allegation_id:
                by_allegation.setdefault(step.allegation_id, []).append(step)
            else:
                by_incident.setdefault(step.incident_id, []).append(step)
    entries = []
    for row in allegations:
        steps_here = by_allegation.get(row.pk, [])
        if not (row.substantiated or steps_here):
            continue
        finding, failure = accountability_finding(serious=row.substantiated, kinds=[s.kind for s in steps_here])
        entries.append(
            AccountabilityEntry(
                anchor=f"allegation-{row.pk}", title=f"Allegation against {row.person}: {row.category}",
                occurred_on=row.occurred_on, grading=row.status_label, serious=row.substantiated, steps=steps_here,
                finding=finding, failure=failure, allegation=row,
            )
        )
    for row in incidents:
        record = row.record
        steps_here = by_incident.get(record["pk"], [])
        serious = _incident_is_serious(record)
        if not (serious or steps_here):
            continue
        finding, failure = accountability_finding(serious=serious, kinds=[s.kind for s in steps_here])
        entries.append(
            AccountabilityEntry(
                anchor=f"incident-{record['pk']}", title=f"Incident about {record['recipient']}",
                occurred_on=record["occurred_on"], grading=_incident_grading(record), serious=serious,
                steps=steps_here, finding=finding, failure=failure, incident=row,
            )
        )
    entries.sort(key=lambda e: (e.occurred_on or date.min, e.anchor), reverse=True)
    entries.sort(key=lambda e: not e.failure)
    return entries


@dataclass(frozen=True)
class AccountabilitySummary:
    serious: int
    failures: int

    @property
    def words(self) -> str:
        if not self.serious:
            return "No substantiated allegation and no incident classified as a grave violation on record."
        if not self.failures:
            return (
                "An investigation, prosecution or other action is recorded on every substantiated allegation and "
                "grave incident."
            )
        return (
            f"{NO_ACTION_RECORDED} on {self.failures} of {self.serious} substantiated allegation"
            f"{'s' if self.serious != 1 else ''} or grave incident{'s' if self.serious != 1 else ''}: "
            "a failure to investigate or prosecute (P¶14(b)–(c))."
        )


def accountability_summary(entries: list[AccountabilityEntry]) -> AccountabilitySummary:
    return AccountabilitySummary(
        serious=sum(1 for e in entries if e.serious), failures=sum(1 for e in entries if e.failure)
    )
