"""Writing the synthetic portfolio.

Every row is made in memory first and written with bulk_create in batches:
no query per row. Engagements are planned as whole histories first
(`timeline`), so each record agrees with the state it belongs to.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction

from assessments.models import (
    AssessmentElement,
    CitedSource,
    CoordinationRecord,
    PreconditionsCheck,
    RiskAssessment,
    RiskElement,
    RiskFactor,
    Screening,
)
from hrddp.models import (
    EXEMPT_ACTIVITY_TYPES,
    ActivityType,
    AuditAction,
    AuditEntry,
    CommandPeriod,
    Delivery,
    Engagement,
    GovernmentFocalPoint,
    Membership,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    RecipientCategory,
    RecipientLevel,
    Role,
    State,
    SupportActivity,
    User,
)
from hrddp.roles import GROUP_NAMES
from interventions.letters import standard_subject
from interventions.models import Exclusion, InterventionCase, Letter, LetterKind, LetterSequence
from mitigation.models import (
    InterventionProcedure,
    MeasureNature,
    MeasureStatus,
    MeasureType,
    MitigationMeasure,
    MitigationPlan,
)
from monitoring.models import Channel, Incident, IndicatorMeasurement, VerificationStatus, ViolationCategory
from monitoring.quarters import quarter_of
from portfolio.management.synthetic import names as N
from portfolio.management.synthetic.timeline import Episode, History, Timeline, history_of, states_for, timeline_for
from register.models import Allegation, AllegationCategory, AllegationStatus

BATCH = 2000
INCIDENT_CHUNK = 10_000
OFFICE_PREFIX = "syn"
USER_PREFIX = "syn."
BENCH_HQ = "bench.hq"
BENCH_PM = "bench.pm"
PASSWORD = "synthetic-portfolio-2026"

Say = Callable[[str], None]


@dataclass(frozen=True)
class Sizes:
    offices: int
    engagements: int
    incidents: int


def office_code(*, number: int) -> str:
    return f"{OFFICE_PREFIX}{number:02d}"


@dataclass
class _Case:
    """One engagement being made, with what its history implies."""

    office: Office
    pm: User
    com: User
    recipient: Recipient
    timeline: Timeline
    history: History
    ratings: list[str]
    residual: str
    exempt_only: bool
    focal: GovernmentFocalPoint | None = None
    project: Project | None = None
    engagement: Engagement | None = None
    factors: list[list[RiskFactor]] = field(default_factory=list)
    mechanism: bool | None = None
    flagged_at: datetime | None = None
    episode_cases: list[InterventionCase] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.timeline.state


@dataclass(frozen=True)
class _IncidentPlan:
    case: int
    occurred_at: datetime
    logged_at: datetime
    verification: str
    grave: bool
    substantial: bool
    episode: int = -1


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def _weighted(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


class _Builder:
    def __init__(self, *, sizes: Sizes, seed: int, now: datetime, say: Say):
        self.sizes, self.now, self.today, self.say = sizes, now, now.date(), say
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.offices: list[Office] = []
        self.staff: dict[int, tuple[User, User]] = {}
        self.forces: dict[tuple[str, str], Recipient] = {}
        self.subtree: dict[int, list[Recipient]] = defaultdict(list)
        self.root: dict[int, Recipient] = {}
        self.persons: dict[int, list[PersonOfInterest]] = defaultdict(list)
        self.projects: dict[int, list[Project]] = {}
        self.focal_points: dict[int, list[GovernmentFocalPoint]] = {}
        self.cases: list[_Case] = []
        self.incident_plans: list[_IncidentPlan] = []

    # --- helpers ---------------------------------------------------------------

    def _bulk(self, model: type[models.Model], rows: list) -> list:
        if rows:
            model._base_manager.bulk_create(rows, batch_size=BATCH)
        self.counts[model._meta.label] += len(rows)
        return rows

    def _phase(self, label: str, fn: Callable[[], None]) -> None:
        started = time.monotonic()
        before = sum(self.counts.values())
        fn()
        self.say(f"  {label:<38} {sum(self.counts.values()) - before:>9,} rows  {time.monotonic() - started:6.1f} s")

    def run(self) -> Counter[str]:
        self._phase("offices, people and roles", self._offices_and_people)
        self._phase("recipients and persons of interest", self._recipients)
        self._phase("projects and focal points", self._projects_and_focal_points)
        self._phase("histories planned", self._plan_cases)
        self._phase("engagements and activities", self._engagements)
        self._phase("audit trail", self._audit_trail)
        self._phase("screening, preconditions, coordination", self._early_actions)
        self._phase("risk assessments", self._assessments)
        self._phase("mitigation plans and measures", self._plans)
        self._phase("procedures, intervention cases", self._interventions)
        self._phase("letters", self._letters)
        self._phase("incidents", self._incidents)
        self._phase("quarterly indicators", self._indicators)
        return self.counts

    # --- offices, people -------------------------------------------------------

    def _offices_and_people(self) -> None:
        rng, count = self.rng, self.sizes.offices
        countries = N.COUNTRIES[: min(count, len(N.COUNTRIES))]
        mechanism = {c: rng.random() < 0.6 for c in countries}
        for number in range(1, count + 1):
            base = countries[(number - 1) % len(countries)]
            country = N.COUNTRY_PREFIX + base
            city = N.CITIES[((number - 1) // len(countries)) % len(N.CITIES)]
            first = number <= len(countries)
            self.offices.append(Office(
                code=office_code(number=number),
                name=f"{country} Country Office" if first else f"{country} {city} Sub-Office",
                entity=rng.choice(N.ENTITIES), country=country,
                region=N.REGIONS[N.COUNTRIES.index(base) % len(N.REGIONS)],
                has_country_mechanism=mechanism[base],
                mechanism_secretariat_contact=f"HRDDP task force secretariat, {city} {N.FAKE}" if mechanism[base] else "",
                letterhead_address=f"UN House, {number} Example Road, {city}, {country}",
            ))
        self._bulk(Office, self.offices)

        # One hash for everyone: hashing is slow on purpose.
        password = make_password(PASSWORD)
        users: list[User] = []

        def user(username: str) -> User:
            first, last = rng.choice(N.FIRST_NAMES), rng.choice(N.LAST_NAMES)
            made = User(username=username, first_name=first, last_name=last, email=f"{username}@example.org", password=password)
            users.append(made)
            return made

        hq = user(BENCH_HQ)
        memberships = [(hq, Role.HQ_HUMAN_RIGHTS, None)]
        for n, office in enumerate(self.offices):
            pm = user(BENCH_PM if n == 0 else f"{USER_PREFIX}pm.{office.code}")
            com = user(f"{USER_PREFIX}com.{office.code}")
            self.staff[office.pk] = (pm, com)
            memberships += [(pm, Role.PROJECT_MANAGER, office), (com, Role.CHIEF_OF_MISSION, office)]
        self._bulk(User, users)
        self._bulk(Membership, [Membership(user=u, role=r, office=o) for u, r, o in memberships])
        # bulk_create sends no post_save, so join the role groups here.
        groups = {role: Group.objects.get_or_create(name=GROUP_NAMES[role])[0] for role in {r for _, r, _ in memberships}}
        through = User.groups.through
        self._bulk(through, [through(user_id=u.pk, group_id=groups[r].pk) for u, r, _ in memberships])

    # --- recipients --------------------------------------------------------------

    def _recipients(self) -> None:
        rng = self.rng
        countries = sorted({o.country for o in self.offices})
        forces = [
            Recipient(name=N.FORCES[cat][0].format(country=country), country=country, category=cat, level=RecipientLevel.FORCE)
            for country in countries for cat in RecipientCategory.values
        ]
        self._bulk(Recipient, forces)
        commands = []
        for force in forces:
            self.forces[(force.country, force.category)] = force
            self.root[force.pk] = force
            word = N.FORCES[force.category][1]
            for direction in rng.sample(N.DIRECTIONS, rng.randint(2, 3)):
                commands.append(Recipient(name=f"{direction} {word}", country=force.country, category=force.category,
                                          level=RecipientLevel.COMMAND, parent=force))
        self._bulk(Recipient, commands)
        units = []
        for command in commands:
            self.root[command.pk] = command.parent
            word = N.FORCES[command.category][2]
            for number in rng.sample(range(1, 40), rng.randint(2, 4)):
                units.append(Recipient(name=f"{word} {number}", country=command.country, category=command.category,
                                       level=RecipientLevel.UNIT, parent=command))
        self._bulk(Recipient, units)
        for unit in units:
            self.root[unit.pk] = unit.parent.parent
        for node in forces + commands + units:
            # A node's subtree: itself and everything below it.
            ancestor: Recipient | None = node
            while ancestor is not None:
                self.subtree[ancestor.pk].append(node)
                ancestor = ancestor.parent
        self._persons(forces=forces)

    def _persons(self, *, forces: list[Recipient]) -> None:
        rng = self.rng
        persons, periods = [], []
        for force in forces:
            ranks = N.FORCES[force.category][3]
            for _ in range(rng.randint(3, 5)):
                alleged = rng.random() < 0.2
                person = PersonOfInterest(
                    full_name=f"{rng.choice(N.FIRST_NAMES)} {rng.choice(N.LAST_NAMES)}", rank=rng.choice(ranks),
                    recipient=force,
                )
                person.alleged = alleged
                persons.append(person)
                self.persons[force.pk].append(person)
        self._bulk(PersonOfInterest, persons)
        self._bulk(Allegation, [
            Allegation(
                person=person, category=AllegationCategory.GROSS_VIOLATIONS, status=AllegationStatus.SUBSTANTIATED,
                summary=f"Named in a fictional rights report {N.FAKE}.",
            )
            for person in persons if person.alleged
        ])
        for person in persons:
            unit = rng.choice(self.subtree[person.recipient_id][1:] or self.subtree[person.recipient_id])
            start = self.today - timedelta(days=rng.randint(200, 2500))
            end = start + timedelta(days=rng.randint(90, 900)) if rng.random() < 0.3 else None
            if end is not None and end >= self.today:
                end = None
            periods.append(CommandPeriod(person=person, unit=unit, position=f"Commander, {unit.name}", start_date=start, end_date=end))
        self._bulk(CommandPeriod, periods)

    # --- projects ------------------------------------------------------------------

    def _projects_and_focal_points(self) -> None:
        rng = self.rng
        per_office = max(2, math.ceil(self.sizes.engagements / max(1, len(self.offices)) / 3))
        projects, focal_points = [], []
        for office in self.offices:
            made = []
            for n in range(1, per_office + 1):
                start = self.today - timedelta(days=rng.randint(30, 3 * 365 + 150))
                theme = rng.choice(N.PROJECT_THEMES)
                made.append(Project(
                    office=office, code=f"{office.code.upper()}-P{n:03d}", title=f"{theme} {N.FAKE}",
                    donor=rng.choice(N.DONORS), budget=Decimal(rng.randrange(50_000, 8_000_000, 500)),
                    currency="EUR" if rng.random() < 0.2 else "USD", start_date=start,
                    end_date=start + timedelta(days=rng.randint(150, 1600)),
                    locations="; ".join(rng.sample(N.CITIES, 2)),
                ))
            made.sort(key=lambda p: p.start_date)
            self.projects[office.pk] = made
            projects += made
            pm = self.staff[office.pk][0]
            focal = [
                GovernmentFocalPoint(
                    office=office, full_name=f"{rng.choice(N.FIRST_NAMES)} {rng.choice(N.LAST_NAMES)}",
                    title=title, authority=f"Ministry of the Interior of {office.country}",
                    email=f"focal.{office.code}.{n}@example.org", office_counterpart=pm,
                )
                for n, title in enumerate(["Director of Border Management", "Chief of Staff", "Head of Police Cooperation"])
            ]
            self.focal_points[office.pk] = focal
            focal_points += focal
        self._bulk(Project, projects)
        self._bulk(GovernmentFocalPoint, focal_points)

    # --- histories -------------------------------------------------------------------

    def _plan_cases(self) -> None:
        rng = self.rng
        office_weights = [rng.lognormvariate(0, 0.6) for _ in self.offices]
        categories, category_weights = list(N.CATEGORY_WEIGHTS), list(N.CATEGORY_WEIGHTS.values())
        for i, state in enumerate(states_for(count=self.sizes.engagements, rng=rng)):
            office = self.offices[i] if i < len(self.offices) else rng.choices(self.offices, weights=office_weights)[0]
            force = self.forces[(office.country, rng.choices(categories, weights=category_weights)[0])]
            level = rng.random()
            nodes = self.subtree[force.pk]
            if level < 0.4:
                recipient = force
            else:
                wanted = RecipientLevel.COMMAND if level < 0.75 else RecipientLevel.UNIT
                recipient = rng.choice([n for n in nodes if n.level == wanted] or nodes)
            timeline = timeline_for(state=state, now=self.now, rng=rng)
            history = history_of(timeline)
            ratings = self._ratings(history=history, state=state)
            pm, com = self.staff[office.pk]
            case = _Case(
                office=office, pm=pm, com=com, recipient=recipient, timeline=timeline, history=history,
                ratings=ratings, residual=self._residual(history=history, ratings=ratings, state=state),
                exempt_only=state == State.NOT_APPLICABLE,
                focal=rng.choice(self.focal_points[office.pk]) if rng.random() < 0.8 else None,
                project=self._project_for(office=office, opened=timeline.opened_at.date()),
            )
            self.cases.append(case)
        self._plan_incidents()

    def _ratings(self, *, history: History, state: str) -> list[str]:
        rng, ratings = self.rng, []
        for n, version in enumerate(history.versions):
            if version.status == "declined":
                rating = "high"
            elif n and rng.random() < 0.6:
                rating = ratings[-1]
            else:
                rating = rng.choices(["low", "medium", "high"], weights=[30, 45, 25])[0]
            if version.plan_stands and rating == "high":
                rating = "medium"  # a plan can only stand when the reassessment is not high
            if version.status == "draft" and not version.returned and state == State.ASSESSMENT and rng.random() < 0.5:
                rating = ""  # still being written
            ratings.append(rating)
        return ratings

    def _residual(self, *, history: History, ratings: list[str], state: str) -> str:
        rng = self.rng
        if history.plan_at is None or history.endorsed_first_at is None:
            return ""
        rated = next((r for r in reversed(ratings) if r), "medium")
        if history.plan_submitted_at is None:
            if rng.random() < 0.5:
                return ""
            if rng.random() < 0.1:
                return "high"  # a plan that cannot be approved yet
        if rated == "low":
            return "low"
        if rated == "medium":
            return "low" if rng.random() < 0.4 else "medium"
        return "low" if rng.random() < 0.2 else "medium"

    def _project_for(self, *, office: Office, opened: date) -> Project:
        # Requests come in around the time a project starts.
        projects = self.projects[office.pk]
        starts = [p.start_date for p in projects]
        at = bisect_left(starts, opened + timedelta(days=30))
        candidates = projects[max(0, at - 1): at + 1] or projects
        return self.rng.choice(candidates)

    def _plan_incidents(self) -> None:
        rng, plans = self.rng, []
        for index, case in enumerate(self.cases):
            h = case.history
            for number, episode in enumerate(h.episodes):
                # Intercession needs a grave violation with substantial grounds first (P¶26).
                approved = max(a.at for a in case.timeline.steps if a.action == "approve_support" and a.at < episode.opened_at)
                lead = min(timedelta(days=45), (episode.opened_at - approved) * 0.9)
                for _ in range(rng.choice([1, 1, 2])):
                    occurred = _between(rng, episode.opened_at - lead, episode.opened_at - lead * 0.3)
                    logged = _between(rng, occurred, episode.opened_at - lead * 0.1)
                    plans.append(_IncidentPlan(index, occurred, logged, VerificationStatus.CORROBORATED, True, True, number))
        wanted = max(0, self.sizes.incidents - len(plans))
        windows = [self._incident_window(case) for case in self.cases]
        weights = [w for _, _, w in windows]
        if not any(weights):
            windows = [(c.timeline.opened_at, self.now, 1.0) for c in self.cases]
            weights = [1.0] * len(windows)
        chosen = rng.choices(range(len(windows)), weights=weights, k=wanted)
        for index in chosen:
            start, end, _ = windows[index]
            occurred = _between(rng, start, end)
            logged = min(occurred + timedelta(days=rng.uniform(0.1, 20)), self.now)
            verification = _weighted(rng, {
                VerificationStatus.UNVERIFIED: 30, VerificationStatus.BEING_VERIFIED: 25,
                VerificationStatus.CORROBORATED: 33, VerificationStatus.UNFOUNDED: 12,
            })
            grave = verification != VerificationStatus.UNFOUNDED and rng.random() < 0.03
            substantial = grave and verification == VerificationStatus.CORROBORATED and rng.random() < 0.5
            plans.append(_IncidentPlan(index, occurred, logged, verification, grave, substantial))
        plans.sort(key=lambda p: (p.case, p.occurred_at))
        self.incident_plans = plans
        self._flag_reassessments()

    def _incident_window(self, case: _Case) -> tuple[datetime, datetime, float]:
        """When incidents against this engagement's recipient come in, and how many (a weight)."""
        h = case.history
        risk = {"low": 0.5, "medium": 1.0, "high": 2.0}.get(next((r for r in reversed(case.ratings) if r), ""), 0.7)
        spread = self.rng.lognormvariate(0, 0.7)
        if h.first_approved_at is not None:
            end = h.support_until or self.now
            return h.first_approved_at, end, (end - h.first_approved_at).days * risk * spread
        if h.versions:
            # Reports arrive while the assessment is under way, far fewer than under monitoring.
            return case.timeline.opened_at, self.now, (self.now - case.timeline.opened_at).days * 0.1 * spread
        return case.timeline.opened_at, self.now, 0.0

    def _flag_reassessments(self) -> None:
        # A grave violation on running support flags the assessment (P¶25); an endorsement answers it.
        for plan in self.incident_plans:
            case = self.cases[plan.case]
            h = case.history
            if not (plan.grave and plan.substantial) or case.state not in (State.ACTIVE, State.INTERCESSION, State.SUSPENDED):
                continue
            if h.first_approved_at is None or plan.logged_at < h.first_approved_at:
                continue
            if h.last_endorsed_at is not None and plan.logged_at < h.last_endorsed_at:
                continue
            if case.flagged_at is None or plan.logged_at > case.flagged_at:
                case.flagged_at = plan.logged_at

    # --- engagements -------------------------------------------------------------------

    def _engagements(self) -> None:
        rng = self.rng
        numbers: Counter[tuple[str, int]] = Counter()
        engagements, activities = [], []
        for case in sorted(self.cases, key=lambda c: c.timeline.opened_at):
            opened = case.timeline.opened_at
            numbers[(case.office.code, opened.year)] += 1
            kinds = self._activity_types(exempt_only=case.exempt_only)
            descriptions = [rng.choice(N.ACTIVITIES[k]) for k in kinds]
            h = case.history
            case.engagement = Engagement(
                reference=f"{case.office.code.upper()}-{opened.year}-{numbers[(case.office.code, opened.year)]:03d}",
                title=f"{descriptions[0]} for the {case.recipient.name}"[:250],
                office=case.office, project=case.project, recipient=case.recipient, focal_point=case.focal,
                state=case.state, revision=len(case.timeline.steps), created_by=case.pm, created_at=opened,
                state_changed_at=case.timeline.last_at, support_approved_at=h.approved_at,
                reassessment_flagged_at=case.flagged_at,
                reassessment_flag_reason=(
                    "Grave violation reported with substantial grounds: the risk assessment must be redone."
                    if case.flagged_at else ""
                ),
            )
            engagements.append(case.engagement)
            children = self.subtree[case.recipient.pk][1:]
            for kind, description in zip(kinds, descriptions):
                indirect = rng.random() < 0.25
                activities.append(SupportActivity(
                    engagement=case.engagement, description=description, activity_type=kind,
                    delivery=Delivery.INDIRECT if indirect else Delivery.DIRECT,
                    implementing_partner=rng.choice(N.PARTNERS) if indirect else "",
                    target_unit=rng.choice(children) if children and rng.random() < 0.2 else None,
                ))
        self._bulk(Engagement, engagements)
        self._bulk(SupportActivity, activities)

    def _activity_types(self, *, exempt_only: bool) -> list[str]:
        rng = self.rng
        exempt = sorted(EXEMPT_ACTIVITY_TYPES)
        if exempt_only:
            return rng.sample(exempt, rng.randint(1, 2))
        support = [t for t in ActivityType.values if t not in EXEMPT_ACTIVITY_TYPES]
        kinds = [rng.choice(support)]
        for _ in range(rng.randint(0, 3)):
            kinds.append(rng.choice(exempt if rng.random() < 0.2 else support))
        return kinds

    def _audit_trail(self) -> None:
        entries = []
        for case in self.cases:
            e = case.engagement
            entries.append(AuditEntry(
                engagement=e, actor=case.pm, at=case.timeline.opened_at, action=AuditAction.OPEN, from_state="",
                to_state=State.DRAFT, justification="New request for support received through the national authority.",
            ))
            for step in case.timeline.steps:
                entries.append(AuditEntry(
                    engagement=e, actor=case.com if step.by_com else case.pm, at=step.at, action=step.action,
                    from_state=step.from_state, to_state=step.to_state, justification=_JUSTIFICATIONS[step.action],
                ))
        self._bulk(AuditEntry, entries)

    # --- Actions 1 to 3 ----------------------------------------------------------------

    def _early_actions(self) -> None:
        rng = self.rng
        screenings, checks, records = [], [], []
        for case in self.cases:
            reached, state, e = case.history.reached, case.state, case.engagement
            if State.SCREENING not in reached:
                continue
            answered = state != State.SCREENING or rng.random() < 0.5
            screenings.append(Screening(
                engagement=e, engages_security_force=True, provides_support=True,
                entirely_exempt=case.exempt_only if answered else None,
                rationale="Every activity is exempt support." if case.exempt_only else "Non-exempt support to a security force.",
            ))
            if State.PRECONDITIONS not in reached:
                continue
            failing = rng.choice(PreconditionsCheck.CHECKS)[0] if State.INELIGIBLE in reached else None
            fields = {}
            for key, label in PreconditionsCheck.CHECKS:
                if state == State.PRECONDITIONS and rng.random() < 0.4:
                    fields[f"{key}_met"], fields[f"{key}_evidence"] = None, ""
                else:
                    met = key != failing
                    fields[f"{key}_met"] = met
                    fields[f"{key}_evidence"] = f"{'Met' if met else 'Not met'}: {label}; evidence on file {N.FAKE}."
            checks.append(PreconditionsCheck(engagement=e, **fields))
            if State.COORDINATION not in reached:
                continue
            known = state != State.COORDINATION or rng.random() < 0.5
            case.mechanism = case.office.has_country_mechanism if known else None
            gpraf = case.mechanism is True
            records.append(CoordinationRecord(
                engagement=e, mechanism_exists=case.mechanism,
                gpraf_reference=f"GPRAF {case.office.country} {case.timeline.opened_at.year}" if gpraf else "",
                gpraf_date=(case.timeline.opened_at - timedelta(days=rng.randint(30, 400))).date() if gpraf else None,
                core_mitigation_measures="\n".join(N.GPRAF_CORE) if gpraf else "",
                inform_of_decisions="HRDDP task force secretariat" if gpraf else "",
            ))
        self._bulk(Screening, screenings)
        self._bulk(PreconditionsCheck, checks)
        self._bulk(CoordinationRecord, records)

    # --- Action 4 ------------------------------------------------------------------------

    def _assessments(self) -> None:
        rng = self.rng
        assessments, pending = [], []
        for case in self.cases:
            for n, (version, rating) in enumerate(zip(case.history.versions, case.ratings)):
                decided = version.decided_at is not None
                comment = {"endorsed": "Endorsed.", "declined": "Declined: no mitigation can reduce the risk."}.get(version.status, "")
                assessment = RiskAssessment(
                    engagement=case.engagement, version=n + 1, status=version.status, final_rating=rating,
                    final_justification=f"Rated {rating} on the elements above." if rating else "",
                    created_by=case.pm, created_at=version.created_at, submitted_at=version.submitted_at,
                    decided_by=case.com if decided else None, decided_at=version.decided_at,
                    review_comments=comment or ("Returned: cite more sources on accountability." if version.returned else ""),
                )
                assessments.append(assessment)
                pending.append((case, n, assessment, version.status == "draft" and not version.returned))
        self._bulk(RiskAssessment, assessments)
        elements, sources, factors = [], [], []
        element_labels = RiskElement.choices
        for case, n, assessment, in_progress in pending:
            answered = element_labels[: rng.randint(4, len(element_labels))] if in_progress else element_labels
            for value, label in answered:
                elements.append(AssessmentElement(
                    assessment=assessment, element=value, narrative=f"Finding on {label[0].lower()}{label[1:]} {N.FAKE}.",
                    rating=rng.choice(["low", "medium", "high"]),
                ))
            for _ in range(rng.randint(1, 3)):
                un = rng.random() < 0.5
                sources.append(CitedSource(
                    assessment=assessment, element=rng.choice(RiskElement.values),
                    citation=f"{'UN' if un else 'Fictional NGO'} report on {case.office.country} ({assessment.created_at.year})",
                    is_un_source=un, reliability=rng.choice("ABBCCF"),
                ))
            made = self._risk_factors(case=case, version=n, assessment=assessment)
            case.factors.append(made)
            factors += made
        self._bulk(AssessmentElement, elements)
        self._bulk(CitedSource, sources)
        self._bulk(RiskFactor, factors)

    def _risk_factors(self, *, case: _Case, version: int, assessment: RiskAssessment) -> list[RiskFactor]:
        # A reassessment carries the earlier factors over, as the app's reassessment does.
        rng = self.rng
        if version:
            return [RiskFactor(assessment=assessment, description=f.description, element=f.element) for f in case.factors[-1]]
        low, high = {"low": (0, 1), "medium": (1, 3), "high": (2, 4)}.get(case.ratings[0], (0, 2))
        templates = rng.sample(N.RISK_FACTORS, rng.randint(low, high))
        return [
            RiskFactor(assessment=assessment, description=t.format(unit=case.recipient.name),
                       element=rng.choice([RiskElement.COMPLIANCE_RECORD, RiskElement.ACCOUNTABILITY_RECORD, RiskElement.LEGISLATIVE_FRAMEWORK]))
            for t in templates
        ]

    # --- Action 5 --------------------------------------------------------------------------

    def _plans(self) -> None:
        rng = self.rng
        plans, measures, targets = [], [], []
        for case in self.cases:
            h = case.history
            if h.plan_at is None:
                continue
            waive = case.residual != "low" and rng.random() < 0.5
            plan = MitigationPlan(
                engagement=case.engagement, residual_risk=case.residual,
                residual_risk_justification="The measures address the identified risk factors." if case.residual else "",
                waive_visibility=waive, visibility_decision="Logos waived, agreed in writing with the donor." if waive else "",
                submitted_at=h.plan_submitted_at, submitted_by=case.pm if h.plan_submitted_at else None,
            )
            plans.append(plan)
            if case.mechanism:
                measures += [MitigationMeasure(plan=plan, title=t, measure_type=MeasureType.COMMUNICATIONS, from_gpraf=True,
                                               status=self._measure_status(case=case, due=None)) for t in N.GPRAF_CORE]
            if h.endorsed_first_at is None:
                continue
            slots = len(case.factors[0]) if case.factors else 0
            own = []
            for n in range(max(slots, rng.randint(2, 5))):
                kind = rng.choice(MeasureType.values)
                due = (h.endorsed_first_at + timedelta(days=rng.uniform(15, 420))).date()
                status = self._measure_status(case=case, due=due)
                if n < slots and status == MeasureStatus.DROPPED:
                    status = MeasureStatus.IN_PROGRESS  # each risk factor keeps a live measure
                own.append(MitigationMeasure(
                    plan=plan, title=rng.choice(N.MEASURES[kind]), measure_type=kind,
                    nature=MeasureNature.CORRECTIVE if rng.random() < 0.25 else MeasureNature.PREVENTIVE,
                    owner=rng.choice(["Project manager", "Implementing partner", "Protection officer"]), due_date=due,
                    budget_line=f"HRDD-{rng.randint(1, 9):02d}", status=status,
                    review_notes=f"Reviewed at the quarterly meeting {N.FAKE}." if status in (MeasureStatus.IN_PLACE, MeasureStatus.INEFFECTIVE) else "",
                ))
            measures += own
            for slot in range(slots):
                chosen = [own[slot]]
                extra = rng.choice(own)
                if extra is not own[slot] and rng.random() < 0.3:
                    chosen.append(extra)
                for version_factors in case.factors:
                    if slot < len(version_factors):
                        targets += [(m, version_factors[slot]) for m in chosen]
        self._bulk(MitigationPlan, plans)
        self._bulk(MitigationMeasure, measures)
        through = MitigationMeasure.risk_factors.through
        self._bulk(through, [through(mitigationmeasure_id=m.pk, riskfactor_id=f.pk) for m, f in targets])

    def _measure_status(self, *, case: _Case, due: date | None) -> str:
        rng = self.rng
        if case.history.first_approved_at is None:
            return rng.choices([MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS], weights=[80, 20])[0]
        if case.state in (State.CLOSED, State.CEASED):
            shares = {MeasureStatus.IN_PLACE: 60, MeasureStatus.INEFFECTIVE: 15, MeasureStatus.DROPPED: 10, MeasureStatus.IN_PROGRESS: 15}
        elif due is not None and due < self.today:
            # Past due: most in place, the rest overdue.
            shares = {MeasureStatus.IN_PLACE: 65, MeasureStatus.IN_PROGRESS: 14, MeasureStatus.PLANNED: 5,
                      MeasureStatus.INEFFECTIVE: 8, MeasureStatus.DROPPED: 8}
        else:
            shares = {MeasureStatus.PLANNED: 40, MeasureStatus.IN_PROGRESS: 40, MeasureStatus.IN_PLACE: 20}
        return _weighted(rng, shares)

    # --- Action 7 ----------------------------------------------------------------------------

    def _interventions(self) -> None:
        rng = self.rng
        procedures, cases, exclusions = [], [], []
        # Whom an exclusion in force already names: one in force per person and per unit, as the app holds.
        in_force: set[tuple[str, int]] = set()
        for case in self.cases:
            h = case.history
            if h.plan_submitted_at is not None:
                ready = case.state != State.APPROVAL or rng.random() < 0.75
                procedures.append(InterventionProcedure(
                    engagement=case.engagement, monitoring_responsible=case.pm,
                    recipient_focal_point=case.focal or self.focal_points[case.office.pk][0],
                    reporting_to_com="Same-day e-mail and call to the Chief of Mission; written report within 48 hours." if ready else "",
                ))
            for episode in h.episodes:
                courses = rng.sample(InterventionCase.COURSES, rng.randint(1, 3)) if episode.course_at or rng.random() < 0.5 else []
                skipped = episode.ended_by == "cease" and episode.suspended_at is None
                made = InterventionCase(
                    engagement=case.engagement, opened_by=case.pm, opened_at=episode.opened_at,
                    report=f"Grave violations reported against the {case.recipient.name} {N.FAKE}.",
                    **{name: True for name in courses},
                    course_notes="Agreed with the Chief of Mission." if episode.course_at else "",
                    course_recorded_at=episode.course_at, course_recorded_by=case.com if episode.course_at else None,
                    suspension_risk_evaluation=(
                        "Risks to staff safety and to the beneficiaries evaluated." if episode.suspended_at else ""
                    ),
                    mandate_critically_affected=bool(episode.suspended_at) and rng.random() < 0.1,
                    why_suspension_skipped="Violations continue; suspension would change nothing." if skipped else "",
                    result=episode.result,
                    result_evidence=f"Outcome recorded {N.FAKE}." if episode.closed_at else "",
                    closed_at=episode.closed_at,
                )
                cases.append(made)
                case.episode_cases.append(made)
                if "exclude_individuals_or_units" in courses and episode.course_at:
                    exclusion = self._exclusion(case=case, made=made, excluded_at=episode.course_at, episode=episode)
                    key = ("person", exclusion.person.pk) if exclusion.person else ("unit", exclusion.unit.pk)
                    if key not in in_force:
                        exclusions.append(exclusion)
                        if exclusion.lifted_at is None:
                            in_force.add(key)
        self._bulk(InterventionProcedure, procedures)
        self._bulk(InterventionCase, cases)
        self._bulk(Exclusion, exclusions)

    def _exclusion(self, *, case: _Case, made: InterventionCase, excluded_at: datetime, episode: Episode) -> Exclusion:
        rng = self.rng
        units = self.subtree[case.recipient.pk][1:]
        persons = self.persons[self.root[case.recipient.pk].pk]
        lifted = episode.ended_by in ("resolve", "resume") and rng.random() < 0.5
        person = rng.choice(persons) if persons and (not units or rng.random() < 0.4) else None
        return Exclusion(
            engagement=case.engagement, case=made, person=person,
            unit=None if person else (rng.choice(units) if units else case.recipient),
            reason=f"Implicated in the reported violations {N.FAKE}.", excluded_by=case.com, excluded_at=excluded_at,
            lifted_at=episode.closed_at if lifted else None, lifted_by=case.com if lifted else None,
            lift_reason="Violations addressed; exclusion lifted." if lifted else "",
        )

    def _letters(self) -> None:
        rng = self.rng
        planned: list[tuple[_Case, str, datetime, datetime | None]] = []
        for case in self.cases:
            planned += self._letters_of(case)
        planned.sort(key=lambda p: p[2])
        numbers: Counter[tuple[int, int]] = Counter()
        letters = []
        for case, kind, created, issued in planned:
            key = (case.office.pk, created.year)
            numbers[key] += 1
            language = "fr" if case.office.pk % 4 == 0 else "en"
            focal = case.focal or self.focal_points[case.office.pk][0]
            dispatched = None
            if issued is not None and rng.random() < 0.85:
                dispatched = min(issued.date() + timedelta(days=rng.randint(0, 5)), self.today)
            letters.append(Letter(
                engagement=case.engagement, kind=kind, language=language,
                reference=f"{case.office.code.upper()}/HRDDP/{created.year}/{numbers[key]:04d}",
                addressee=f"{focal.full_name}\n{focal.title}\n{focal.authority}",
                subject=standard_subject(kind, language), body=f"The office's paragraphs {N.FAKE}.",
                signatory=case.com, created_by=case.pm, created_at=created,
                letter_date=issued.date() if issued else None, issued_at=issued, issued_by=case.com if issued else None,
                dispatched_on=dispatched, dispatch_channel=rng.choice(N.DISPATCH_CHANNELS) if dispatched else "",
            ))
        self._bulk(Letter, letters)
        # The app numbers its next letters after these.
        self._bulk(LetterSequence, [LetterSequence(office_id=o, year=y, last_number=n) for (o, y), n in numbers.items()])

    def _letters_of(self, case: _Case) -> list[tuple[_Case, str, datetime, datetime | None]]:
        """The letters a history implies: (case, kind, drafted, issued or None)."""
        rng, found = self.rng, []
        steps = case.timeline.steps

        def issued_after(at: datetime, until: datetime | None, kind: str, draft_share: float = 0.0) -> None:
            end = min(until or self.now, self.now)
            drafted = _between(rng, at, at + (end - at) * 0.5)
            issued = _between(rng, drafted, end) if rng.random() >= draft_share else None
            found.append((case, kind, drafted, issued))

        notified = False
        for n, step in enumerate(steps):
            after = steps[n + 1] if n + 1 < len(steps) else None
            following = after.at if after else None
            if step.action == "submit_plan" and not notified:
                # The notification (P¶19) is issued before support is first approved.
                if after is None and rng.random() < 0.8:
                    issued_after(step.at, None, LetterKind.NOTIFICATION, 0.35)
                    notified = True
                elif after is not None and after.action == "approve_support":
                    issued_after(step.at, following, LetterKind.NOTIFICATION)
                    notified = True
            elif step.action == "decline":
                issued_after(step.at, following, LetterKind.UNLESS_AND_UNTIL, 0.2)
            elif step.action == "record_course_of_action":
                issued_after(step.at, following, LetterKind.INTERCESSION, 0.0 if following else 0.3)
            elif step.action in _LETTER_OF_STEP:
                issued_after(step.at, following, _LETTER_OF_STEP[step.action], 0.0 if following else 0.15)
        return found

    # --- Action 6 -------------------------------------------------------------------------------

    def _incidents(self) -> None:
        plans = self.incident_plans
        for start in range(0, len(plans), INCIDENT_CHUNK):
            self._incident_chunk(plans=plans[start: start + INCIDENT_CHUNK], offset=start)

    def _incident_chunk(self, *, plans: list[_IncidentPlan], offset: int) -> None:
        rng = self.rng
        categories, category_weights = list(N.CATEGORY_SHARES), list(N.CATEGORY_SHARES.values())
        channels, channel_weights = list(N.CHANNEL_SHARES), list(N.CHANNEL_SHARES.values())
        incidents, implicated, linked = [], [], []
        for n, plan in enumerate(plans, start=offset):
            case = self.cases[plan.case]
            # The first few cover every category and channel; the rest follow their shares.
            first = ViolationCategory.values[n] if n < len(ViolationCategory.values) else rng.choices(categories, weights=category_weights)[0]
            chosen = [first]
            if rng.random() < 0.3:
                second = rng.choices(categories, weights=category_weights)[0]
                if second != first:
                    chosen.append(second)
            channel = Channel.values[n] if n < len(Channel.values) else rng.choices(channels, weights=channel_weights)[0]
            place = f"{rng.choice(N.CITIES)} district"
            running = case.history.first_approved_at is not None and plan.logged_at >= case.history.first_approved_at
            escalated = plan.grave and plan.substantial and running
            incident = Incident(
                engagement=case.engagement, recipient=rng.choice(self.subtree[case.recipient.pk]),
                occurred_on=plan.occurred_at.date(), place=place,
                description=f"Fictional allegation: {N.INCIDENT_TEXT[first]} near {place} {N.FAKE}.",
                categories=[str(c) for c in chosen], channel=channel, source_reliability=rng.choice("ABBCCDEF"),
                information_credibility=rng.choice("1223346"), verification_status=plan.verification,
                grave_violation=plan.grave, substantial_grounds=plan.substantial,
                victims=f"Fictional victim V-{n:06d} {N.FAKE}",
                witnesses=f"Placeholder witness W-{n:06d} {N.FAKE}" if rng.random() < 0.5 else "",
                source_details=f"Invented source S-{n:06d} {N.FAKE}",
                logged_by=case.pm, logged_at=plan.logged_at,
                escalated_at=min(plan.logged_at + timedelta(minutes=10), self.now) if escalated else None,
            )
            incidents.append(incident)
            persons = self.persons[self.root[case.recipient.pk].pk]
            if persons and rng.random() < 0.08:
                implicated.append((incident, rng.choice(persons)))
            if plan.episode >= 0:
                linked.append((case.episode_cases[plan.episode], incident))
        self._bulk(Incident, incidents)
        persons_through = Incident.persons_implicated.through
        self._bulk(persons_through, [persons_through(incident_id=i.pk, personofinterest_id=p.pk) for i, p in implicated])
        cases_through = InterventionCase.incidents.through
        self._bulk(cases_through, [cases_through(interventioncase_id=c.pk, incident_id=i.pk) for c, i in linked])

    def _indicators(self) -> None:
        rng, rows = self.rng, []
        last = quarter_of(self.today).previous()
        quarters = [last]
        for _ in range(3):
            quarters.append(quarters[-1].previous())
        for case in self.cases:
            approved = case.history.first_approved_at
            if approved is None or case.state not in (State.ACTIVE, State.INTERCESSION, State.SUSPENDED):
                continue
            for quarter in quarters:
                if approved.date() > quarter.end or rng.random() < 0.15:
                    continue
                entered = datetime.combine(quarter.end, datetime.min.time(), tzinfo=self.now.tzinfo) + timedelta(days=rng.uniform(1, 20))
                rows.append(IndicatorMeasurement(
                    engagement=case.engagement, quarter_start=quarter.start,
                    trained_can_describe_pct=Decimal(rng.randint(30, 95)),
                    beneficiaries_know_grievance_pct=Decimal(rng.randint(20, 90)),
                    units_adopted_regulations=rng.randint(0, 4), self_reports_of_misconduct=rng.randint(0, 3),
                    investigations_increase_pct=Decimal(rng.randint(-10, 40)),
                    notes=f"Quarterly figures {N.FAKE}.", entered_by=case.pm, entered_at=min(entered, self.now),
                ))
        self._bulk(IndicatorMeasurement, rows)


_LETTER_OF_STEP = {"suspend": LetterKind.SUSPENSION, "resume": LetterKind.RESUMPTION, "cease": LetterKind.CESSATION}

_JUSTIFICATIONS = {
    "start_screening": "Security force and support activities described: screening starts.",
    "conclude_applicable": "A non-UN security force receives non-exempt support: HRDDP applies.",
    "conclude_not_applicable": "Every activity is exempt support: HRDDP does not apply.",
    "fail_preconditions": "A precondition is not met: the office will not engage.",
    "pass_preconditions": "All four preconditions met; evidence on file.",
    "complete_coordination": "Checked with the country mechanism.",
    "submit_assessment": "Assessment complete with sources.",
    "return_assessment": "Returned: the accountability record needs more sources.",
    "endorse": "Endorsed: the risk is manageable with the measures proposed.",
    "endorse_plan_stands": "Reassessment endorsed: the approved plan stands.",
    "decline": "High risk that no mitigation can reduce: support declined unless and until measures are taken.",
    "submit_plan": "The plan covers every risk factor; residual risk stated.",
    "return_plan": "Returned: the plan must address every risk factor.",
    "approve_support": "Residual risk acceptable; notification letter issued; procedure agreed.",
    "start_reassessment": "Yearly reassessment of a project longer than a year.",
    "open_intercession": "A grave violation with substantial grounds was reported: interceding with the authorities.",
    "record_course_of_action": "Course of action agreed with the Chief of Mission.",
    "resolve": "Result A: the violations were adequately addressed.",
    "suspend": "Result B: violations not addressed; support suspended.",
    "resume": "Violations addressed: support resumes.",
    "cease": "Violations continue: support withdrawn.",
    "close": "Support ended at the end of the project.",
    "withdraw_request": "The request was withdrawn by the national authority.",
    "reconsider": "The recipient has taken measures: reconsidering.",
}


def portfolio_generate(*, sizes: Sizes, seed: int, now: datetime, say: Say) -> Counter[str]:
    """Make the whole portfolio in one transaction: all of it, or nothing."""
    with transaction.atomic():
        return _Builder(sizes=sizes, seed=seed, now=now, say=say).run()
