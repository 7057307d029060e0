"""Who may see and do what: the one place every view, service, list, export, import and admin asks.

A user sees the engagements of the offices where they hold a role; HQ and
auditors see every office; a per-engagement grant (django-guardian) adds
single engagements, e.g. for a delegate or a co-managing project manager.
Victims', witnesses' and sources' details of incidents are read only with an
engagement's confidential-access grant, which no role carries.

The permission codenames are named here and nowhere else in the code (the models'
Meta declares them), and so is what each role carries (ROLE_PERMISSIONS, the
permissions of the role groups, hrddp.signals); everything else asks an intention-revealing
function: `may_prepare(user, engagement)`, `may_see_confidential(...)`, ... A
view of one engagement starts with `engagement_for_request`, which returns the
engagement (404 for outsiders) with the user's permissions on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from hrddp.models import (
    GLOBAL_ROLES,
    AuditEntry,
    Engagement,
    EngagementUserObjectPermission,
    Membership,
    Office,
    Recipient,
    Role,
    StepBy,
    User,
)

# --- The permissions, by codename ------------------------------------------------------------------

# What a transition or a write asks for on one engagement; roles carry them in their offices (ROLE_PERMISSIONS).
PREPARE = "prepare_engagement"
DECIDE = "decide_engagement"
# Granted per engagement only: who may read victims', witnesses' and sources' details.
CONFIDENTIAL = "view_confidential"
# Held through a role, not per engagement: taking lists out as files, and bringing records in.
EXPORT = "export_lists"
IMPORT = "import_records"
# The per-engagement grant that lets someone outside the office see one engagement.
VIEW = "view_engagement"
# Reading the whole audit trail in the administration (auditors).
AUDIT_TRAIL = "view_audit_trail"


def _perm(codename: str) -> str:
    return f"hrddp.{codename}"


def _model_perm(model_label: str, action: str) -> str:
    """Django's own permission on a model: ("hrddp.engagement", "add") -> "hrddp.add_engagement"."""
    app, model = model_label.split(".")
    return f"{app}.{action}_{model}"


# --- What each role may do ----------------------------------------------------------------------------
# Each role is a Django group holding these permissions (which drive the admin; hrddp.signals keeps the
# groups in step on every migrate), and the same table answers which steps a role may take in the offices
# where the user holds it.

_DOMAIN_MODELS = [
    "hrddp.office", "hrddp.membership", "hrddp.recipient", "hrddp.personofinterest", "hrddp.commandperiod",
    "hrddp.governmentfocalpoint", "hrddp.project", "hrddp.supportactivity", "hrddp.engagement",
    "assessments.screening", "assessments.preconditionscheck", "assessments.coordinationrecord",
    "assessments.riskassessment", "assessments.assessmentelement", "assessments.citedsource", "assessments.riskfactor",
    "mitigation.mitigationplan", "mitigation.mitigationmeasure",
    "monitoring.incident", "monitoring.indicatormeasurement",
    "mitigation.interventionprocedure", "interventions.letter", "interventions.interventioncase",
    "interventions.exclusion", "interventions.intercessioncommunication", "interventions.criticaldifficultyreport",
    "monitoring.graveviolationdetermination", "monitoring.corroboratingsource",
    # The register (shown in the admin only; written on its own pages through its services).
    "register.personalias", "register.allegation", "register.allegationsource", "register.allegationstatuschange",
    "register.accountabilitystep", "register.supportcontinuation", "register.namescreening",
    "register.namescreeningline",
]

# The records a project manager fills in (add and change).
_PM_EDITS = [
    "hrddp.recipient", "hrddp.personofinterest", "hrddp.commandperiod", "hrddp.governmentfocalpoint",
    "hrddp.project", "hrddp.supportactivity",
    "assessments.screening", "assessments.preconditionscheck", "assessments.coordinationrecord",
    "assessments.riskassessment", "assessments.assessmentelement", "assessments.citedsource", "assessments.riskfactor",
    "mitigation.mitigationplan", "mitigation.mitigationmeasure",
    "monitoring.incident", "monitoring.indicatormeasurement",
    "mitigation.interventionprocedure",
]

_VIEW_ALL = {_model_perm(m, "view") for m in _DOMAIN_MODELS}
_VIEW_AUDIT_ENTRIES = _model_perm("hrddp.auditentry", "view")

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.PROJECT_MANAGER: _VIEW_ALL
    | {_model_perm(m, a) for m in _PM_EDITS for a in ("add", "change")}
    | {_model_perm("hrddp.engagement", "add"), _model_perm("hrddp.engagement", "change"), _perm(PREPARE)}
    | {_VIEW_AUDIT_ENTRIES, _perm(EXPORT), _perm(IMPORT)},
    Role.CHIEF_OF_MISSION: _VIEW_ALL
    | {_perm(DECIDE), _VIEW_AUDIT_ENTRIES, _model_perm("interventions.interventioncase", "change")}
    | {_perm(EXPORT)},
    Role.REGIONAL_SPECIALIST: _VIEW_ALL | {_VIEW_AUDIT_ENTRIES, _perm(EXPORT)},
    # HQ and auditors read every office and take lists out; they bring nothing in.
    Role.HQ_HUMAN_RIGHTS: _VIEW_ALL | {_VIEW_AUDIT_ENTRIES, _perm(EXPORT)},
    Role.AUDITOR: _VIEW_ALL | {_VIEW_AUDIT_ENTRIES, _perm(AUDIT_TRAIL), _perm(EXPORT)},
}


def role_may(role: str, codename: str) -> bool:
    """Whether a role carries an engagement permission such as DECIDE."""
    return _perm(codename) in ROLE_PERMISSIONS.get(role, set())


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def memberships_of(user) -> list[tuple[str, int | None]]:
    """(role, office id) pairs of a user, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_hrddp_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("role", "office_id"))
        user._hrddp_memberships = cached
    return cached


def sees_every_office(user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_superuser or any(role in GLOBAL_ROLES for role, _ in memberships_of(user))


def office_ids_of(user) -> set[int]:
    return {office_id for _, office_id in memberships_of(user) if office_id is not None}


def visible_offices(user) -> QuerySet[Office]:
    if sees_every_office(user):
        return Office.objects.all()
    return Office.objects.filter(pk__in=office_ids_of(user))


def countries_of(offices: QuerySet[Office]) -> list[str]:
    """The countries of these offices, sorted, each once (for the country choices of filters and forms)."""
    return sorted({country for country in offices.values_list("country", flat=True) if country})


def visible_engagements(user) -> QuerySet[Engagement]:
    if not _active(user):
        return Engagement.objects.none()
    if sees_every_office(user):
        return Engagement.objects.all()
    granted = get_objects_for_user(
        user, _perm(VIEW), klass=Engagement, with_superuser=False, accept_global_perms=False
    )
    return Engagement.objects.filter(Q(office_id__in=office_ids_of(user)) | Q(pk__in=granted.values("pk")))


def get_engagement_or_404(user, pk, queryset=None) -> Engagement:
    """An engagement the user may see; any other is 'not found', never 'forbidden'."""
    qs = queryset if queryset is not None else Engagement.objects.all()
    engagement = qs.filter(pk__in=visible_engagements(user).values("pk"), pk=pk).first()
    if engagement is None:
        raise Http404("No such engagement.")
    return engagement


def user_may(user, codename: str, engagement: Engagement) -> bool:
    """Whether the user holds an engagement permission (PREPARE, DECIDE) for this engagement:
    through a role in its office, or a grant on it."""
    if not _active(user):
        return False
    for role, office_id in memberships_of(user):
        if office_id == engagement.office_id and role_may(role, codename):
            return True
    # Object grants (django-guardian); superusers pass here as well.
    return user.has_perm(_perm(codename), engagement)


def require_may(user, codename: str, engagement: Engagement) -> None:
    """403 unless the user holds this engagement permission (PREPARE or DECIDE) on it."""
    if not user_may(user, codename, engagement):
        raise PermissionDenied("Your role does not allow this on this engagement.")


# --- Preparing and deciding on one engagement --------------------------------------------------------


def may_prepare(user, engagement: Engagement) -> bool:
    """The project manager's part: fill in the Actions, log incidents, enter indicators, draft letters."""
    return user_may(user, PREPARE, engagement)


def may_decide(user, engagement: Engagement) -> bool:
    """The Chief of Mission's part: endorse, approve, intercede, suspend, issue letters, grant access."""
    return user_may(user, DECIDE, engagement)


def may_prepare_or_decide(user, engagement: Engagement) -> bool:
    return may_prepare(user, engagement) or may_decide(user, engagement)


def may_take_step(user, engagement: Engagement, by: StepBy) -> bool:
    """Whether the user may take a step that is the project manager's, the Chief of Mission's or either's
    (each transition's django-fsm permission asks this: HrddpConfig.ready hands it to the model)."""
    if by == StepBy.PREPARE:
        return may_prepare(user, engagement)
    if by == StepBy.DECIDE:
        return may_decide(user, engagement)
    return may_prepare_or_decide(user, engagement)


def require_prepare(user, engagement: Engagement, message: str = "Your role does not allow this on this engagement."):
    if not may_prepare(user, engagement):
        raise PermissionDenied(message)


def require_decide(user, engagement: Engagement, message: str = "Your role does not allow this on this engagement."):
    if not may_decide(user, engagement):
        raise PermissionDenied(message)


def may_open_request(user) -> bool:
    """Whether the lists offer the user to open a request for support: a project manager
    (the request itself is opened in one of their offices, project_manager_office_ids)."""
    return any(role == Role.PROJECT_MANAGER for role, _ in memberships_of(user))


def project_manager_office_ids(user) -> set[int]:
    """The offices where the user is a project manager: where they open requests and import for."""
    return {office_id for role, office_id in memberships_of(user) if role == Role.PROJECT_MANAGER and office_id}


# --- Letters ------------------------------------------------------------------------------------------
# The project manager drafts; only a Chief of Mission of the office issues (and signs); either records dispatch.


def may_draft_letter(user, engagement: Engagement) -> bool:
    return may_prepare(user, engagement)


def may_issue_letter(user, engagement: Engagement) -> bool:
    return may_decide(user, engagement)


def may_record_letter_dispatch(user, engagement: Engagement) -> bool:
    return may_prepare_or_decide(user, engagement)


# --- The governing body (P¶28) ----------------------------------------------------------------------


def may_record_governing_body_advised(user, engagement: Engagement) -> bool:
    """The Chief of Mission of the office, or HQ's human-rights team, records when the governing body was advised."""
    if may_decide(user, engagement):
        return True
    return _active(user) and any(role == Role.HQ_HUMAN_RIGHTS for role, _ in memberships_of(user))


def require_record_governing_body_advised(user, engagement: Engagement) -> None:
    if not may_record_governing_body_advised(user, engagement):
        raise PermissionDenied("Only the Chief of Mission or HQ records when the governing body was advised.")


# --- Confidential details of incidents ---------------------------------------------------------------


def may_see_confidential(user, engagement: Engagement) -> bool:
    """Whether the user was granted this engagement's confidential access (superusers pass). No role grants it."""
    if not _active(user):
        return False
    return user.has_perm(_perm(CONFIDENTIAL), engagement)


def may_grant_confidential(user, engagement: Engagement) -> bool:
    """Confidential access is the Chief of Mission's to grant and withdraw."""
    return may_decide(user, engagement)


def confidential_engagement_ids(user) -> set[int]:
    """The engagements whose confidential incident details the user was granted (one query)."""
    granted = get_objects_for_user(
        user, _perm(CONFIDENTIAL), klass=Engagement, with_superuser=True, accept_global_perms=False
    )
    return set(granted.values_list("pk", flat=True))


def _confidential_grants(engagement: Engagement):
    return EngagementUserObjectPermission.objects.filter(
        content_object=engagement, permission__codename=CONFIDENTIAL, permission__content_type__app_label="hrddp"
    )


def confidential_access_holders(engagement: Engagement) -> list[User]:
    """The users granted this engagement's confidential access by name (group grants and superusers aside)."""
    grants = _confidential_grants(engagement).select_related("user").order_by(
        "user__last_name", "user__first_name", "user__username"
    )
    return [grant.user for grant in grants]


def confidential_access_candidates(engagement: Engagement) -> QuerySet[User]:
    """The active members of the engagement's office: those the Chief of Mission may grant access to."""
    return (
        User.objects.filter(memberships__office_id=engagement.office_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def holds_confidential_grant(engagement: Engagement, user: User) -> bool:
    return _confidential_grants(engagement).filter(user=user).exists()


def confidential_grant_add(engagement: Engagement, user: User) -> None:
    """Store the grant; called only by the service that checks, locks and audits it
    (monitoring.incidents.confidential_access_grant)."""
    assign_perm(_perm(CONFIDENTIAL), user, engagement)


def confidential_grant_remove(engagement: Engagement, user: User) -> None:
    """Withdraw the grant; called only by monitoring.incidents.confidential_access_revoke."""
    remove_perm(_perm(CONFIDENTIAL), user, engagement)


# --- Roles' own permissions: exports and imports ------------------------------------------------------


def _role_carries(user, codename: str) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or any(role_may(role, codename) for role, _ in memberships_of(user))


def may_export(user) -> bool:
    """Whether the user may take the lists they see out as CSV or XLSX (a role permission)."""
    return _role_carries(user, EXPORT)


def may_read_audit_trail(user) -> bool:
    """The audit trail as a page: auditors and HQ read it across every office, a Chief of Mission their
    offices' engagements; others read an engagement's own history on its page."""
    if not _active(user):
        return False
    if user.is_superuser or _role_carries(user, AUDIT_TRAIL):
        return True
    return any(role in (Role.HQ_HUMAN_RIGHTS, Role.CHIEF_OF_MISSION) for role, _ in memberships_of(user))


def require_audit_trail(user) -> None:
    if not may_read_audit_trail(user):
        raise PermissionDenied("The audit trail is read by auditors, HQ and each office's Chief of Mission.")


def audit_entries_visible(user) -> QuerySet[AuditEntry]:
    """The entries of the audit trail the user reads on its page: every entry for auditors, HQ and
    superusers (those of no engagement too: sign-ins, imports, the administration); a Chief of Mission those
    of their offices' engagements; nothing for anyone else."""
    entries = AuditEntry.objects.all()
    if not may_read_audit_trail(user):
        return entries.none()
    if user.is_superuser or _role_carries(user, AUDIT_TRAIL) or any(
        role == Role.HQ_HUMAN_RIGHTS for role, _ in memberships_of(user)
    ):
        return entries
    offices = {office for role, office in memberships_of(user) if role == Role.CHIEF_OF_MISSION}
    return entries.filter(engagement__office_id__in=offices)


def may_import(user) -> bool:
    """Whether the user may bring records in from CSV or XLSX (project managers)."""
    return _role_carries(user, IMPORT)


def require_export(user) -> None:
    if not may_export(user):
        raise PermissionDenied("Your role does not allow exporting lists.")


def require_import(user) -> None:
    if not may_import(user):
        raise PermissionDenied("Your role does not allow importing records.")


# --- Recipients, users and records scoped by a path -------------------------------------------------


def visible_recipients(user, queryset: QuerySet[Recipient] | None = None) -> QuerySet[Recipient]:
    """The recipients of the countries where the user's offices work (HQ and auditors: every one)."""
    recipients = queryset if queryset is not None else Recipient.objects.all()
    if sees_every_office(user):
        return recipients
    return recipients.filter(country__in=visible_offices(user).values("country"))


def get_recipient_or_404(user, pk, queryset: QuerySet[Recipient] | None = None) -> Recipient:
    """A recipient the user may see; any other is 'not found'."""
    recipient = visible_recipients(user, queryset).filter(pk=pk).first()
    if recipient is None:
        raise Http404("No such recipient.")
    return recipient


def users_sharing_an_office(user) -> QuerySet[User]:
    """The people the user may see: those holding a role in one of the user's offices (HQ and auditors: all)."""
    if sees_every_office(user):
        return User.objects.all()
    return User.objects.filter(memberships__office__in=office_ids_of(user)).distinct()


def scoped_by_engagement(queryset: QuerySet, user, path: str) -> QuerySet:
    """The records of `queryset` whose engagement (at `path`, "" for engagements themselves) the user sees."""
    # HQ and auditors see every engagement: no filter at all lets the database read rows in index order.
    if sees_every_office(user):
        return queryset
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: visible_engagements(user).values("pk")})


def scoped_by_office(queryset: QuerySet, user, path: str) -> QuerySet:
    """The records of `queryset` whose office (at `path`) the user sees."""
    if sees_every_office(user):
        return queryset
    return queryset.filter(**{f"{path}__in": visible_offices(user)})


def scoped_by_country(queryset: QuerySet, user, path: str) -> QuerySet:
    """The records of `queryset` whose country (at `path`) is one of the user's offices' countries."""
    if sees_every_office(user):
        return queryset
    return queryset.filter(**{f"{path}__in": visible_offices(user).values("country")})


def may_change_office_record(user, office_id) -> bool:
    """Seeing a record of an office (e.g. through a read grant) is not owning it: a member of the office is."""
    return office_id in office_ids_of(user)


def may_change_country_record(user, country: str) -> bool:
    return Office.objects.filter(pk__in=office_ids_of(user), country=country).exists()


# --- One engagement in a view --------------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementAccess:
    """An engagement the user may see, with what the user may do on it.

    Each answer is worked out when first asked and kept (a grant is a query), so a page asks
    as often as it likes for the price of asking once."""

    engagement: Engagement
    user: User

    @cached_property
    def may_prepare(self) -> bool:
        return may_prepare(self.user, self.engagement)

    @cached_property
    def may_decide(self) -> bool:
        return may_decide(self.user, self.engagement)

    @property
    def may_prepare_or_decide(self) -> bool:
        return self.may_prepare or self.may_decide

    @cached_property
    def may_see_confidential(self) -> bool:
        return may_see_confidential(self.user, self.engagement)

    # The same answers in the words of the pages that ask them.
    @property
    def may_draft_letter(self) -> bool:
        return self.may_prepare

    @property
    def may_issue_letter(self) -> bool:
        return self.may_decide

    @property
    def may_record_letter_dispatch(self) -> bool:
        return self.may_prepare_or_decide

    @cached_property
    def may_record_governing_body_advised(self) -> bool:
        return may_record_governing_body_advised(self.user, self.engagement)

    def require_prepare(self, message: str = "Your role does not allow this on this engagement.") -> None:
        if not self.may_prepare:
            raise PermissionDenied(message)

    def require_decide(self, message: str = "Your role does not allow this on this engagement.") -> None:
        if not self.may_decide:
            raise PermissionDenied(message)

    def require_prepare_or_decide(self, message: str = "Your role does not allow this on this engagement.") -> None:
        if not self.may_prepare_or_decide:
            raise PermissionDenied(message)


def engagement_for_request(request, pk, *, queryset: QuerySet[Engagement] | None = None) -> EngagementAccess:
    """The engagement `pk` of a view, with the requesting user's permissions on it; 404 for an outsider.

    `queryset` carries the page's own select_related."""
    return EngagementAccess(engagement=get_engagement_or_404(request.user, pk, queryset), user=request.user)


# --- HQ's stored portfolio reports ---------------------------------------------------------------------


def may_read_portfolio_reports(user) -> bool:
    """The quarterly portfolio reports cover every office: for HQ and auditors."""
    return sees_every_office(user)


def require_portfolio_reports(user) -> None:
    if not may_read_portfolio_reports(user):
        raise PermissionDenied("The portfolio reports are for HQ and auditors.")


# --- The register: what the UN knows about a recipient's people -----------------------------------------
# The register is shared by the offices of a country (HQ: every country). Project managers and Chiefs of
# Mission of an office there record persons, allegations and the authorities' steps; only a Chief of Mission
# there, or the HQ Human Rights Team, decides an allegation (under review → substantiated, not substantiated,
# cleared), since what it decides stops support. Auditors read everything and change nothing.

_REGISTER_RECORDERS = frozenset({Role.PROJECT_MANAGER, Role.CHIEF_OF_MISSION})
_REGISTER_DECIDERS = frozenset({Role.CHIEF_OF_MISSION})


def _roles_in_country(user, country: str) -> set[str]:
    """The roles the user holds in an office of `country` (HQ's and auditors' held everywhere included)."""
    if not _active(user):
        return set()
    memberships = memberships_of(user)
    roles = {role for role, office_id in memberships if office_id is None}
    office_ids = {office_id for _, office_id in memberships if office_id is not None}
    if office_ids:
        in_country = set(Office.objects.filter(pk__in=office_ids, country=country).values_list("pk", flat=True))
        roles |= {role for role, office_id in memberships if office_id in in_country}
    return roles


def may_record_in_register(user, country: str) -> bool:
    """Whether the user may add persons of interest, their names, allegations and the authorities' steps
    about the recipients of `country`."""
    roles = _roles_in_country(user, country)
    return bool(roles & _REGISTER_RECORDERS) or Role.HQ_HUMAN_RIGHTS in roles


def may_decide_allegation(user, country: str) -> bool:
    """Whether the user may substantiate, not substantiate, clear or reopen an allegation in `country`."""
    roles = _roles_in_country(user, country)
    return bool(roles & _REGISTER_DECIDERS) or Role.HQ_HUMAN_RIGHTS in roles


def register_role(user, country: str) -> str:
    """The role a change to the register is recorded under: the weightiest the user holds there."""
    roles = _roles_in_country(user, country)
    for role in (Role.HQ_HUMAN_RIGHTS, Role.CHIEF_OF_MISSION, Role.PROJECT_MANAGER):
        if role in roles:
            return role
    return ""


def require_record_in_register(user, country: str) -> None:
    if not may_record_in_register(user, country):
        raise PermissionDenied("Only project managers and Chiefs of Mission of an office in this country, or HQ, "
                               "record in the register.")


def require_decide_allegation(user, country: str) -> None:
    if not may_decide_allegation(user, country):
        raise PermissionDenied("Only a Chief of Mission of an office in this country, or the HQ Human Rights Team, "
                               "decides an allegation.")


# --- Signing in ------------------------------------------------------------------------------------

# The roles whose holders decide on support or read every office: a stolen password must not be enough.
_SECOND_FACTOR_ROLES = frozenset({Role.CHIEF_OF_MISSION, Role.HQ_HUMAN_RIGHTS})


def must_use_second_factor(user) -> bool:
    """Whether the user must sign in with a second factor: Chiefs of Mission, the HQ Human Rights Team,
    anyone holding an engagement's confidential grant (victims', witnesses' and sources' names), and the
    administration's staff and superusers. Read once per user object."""
    if not _active(user):
        return False
    cached = getattr(user, "_hrddp_must_use_second_factor", None)
    if cached is None:
        cached = (
            user.is_staff or user.is_superuser
            or any(role in _SECOND_FACTOR_ROLES for role, _ in memberships_of(user))
            or EngagementUserObjectPermission.objects.filter(
                user=user, permission__codename=CONFIDENTIAL, permission__content_type__app_label="hrddp"
            ).exists()
        )
        user._hrddp_must_use_second_factor = cached
    return cached


# --- Readers only ---------------------------------------------------------------------------------------


def reads_only(user) -> bool:
    """Whether none of the user's roles prepares or decides anywhere (HQ, auditors, regional specialists): the
    API refuses such a user every write with 403, whatever the record (its pages offer them none)."""
    if not _active(user):
        return True
    if user.is_superuser:
        return False
    return not any(role_may(role, PREPARE) or role_may(role, DECIDE) for role, _ in memberships_of(user))


# --- Evidence files and the discussion on a record ------------------------------------------------------
# Whoever sees an engagement sees its files and its discussion (confidential files only with the engagement's
# confidential grant, like incidents' confidential details). The project manager and the Chief of Mission add and
# withdraw files; they and the HQ Human Rights Team, whose part is to advise and review (P¶29), comment. Auditors
# and regional specialists read.


def may_see_engagement(user, engagement: Engagement) -> bool:
    """Whether the user sees this engagement: without a query for a member of its office, HQ and auditors (what a
    panel on an engagement's page asks again, at no cost, before showing anything)."""
    if not _active(user):
        return False
    if sees_every_office(user) or engagement.office_id in office_ids_of(user):
        return True
    return visible_engagements(user).filter(pk=engagement.pk).exists()


def is_hq_adviser(user) -> bool:
    return _active(user) and any(role == Role.HQ_HUMAN_RIGHTS for role, _ in memberships_of(user))


def _prepares_or_decides(user, engagement: Engagement) -> bool:
    """may_prepare_or_decide, asking the roles in the engagement's office (no query) before any grant (a query each):
    the record panels ask it on every page."""
    if not _active(user):
        return False
    for role, office_id in memberships_of(user):
        if office_id == engagement.office_id and (role_may(role, PREPARE) or role_may(role, DECIDE)):
            return True
    return may_prepare_or_decide(user, engagement)


def may_add_evidence(user, engagement: Engagement) -> bool:
    return _prepares_or_decides(user, engagement)


def may_withdraw_evidence(user, engagement: Engagement) -> bool:
    return _prepares_or_decides(user, engagement)


def may_see_evidence_file(user, engagement: Engagement, *, confidential: bool) -> bool:
    """A file of an engagement the user sees; a confidential one only with the engagement's confidential grant."""
    return not confidential or may_see_confidential(user, engagement)


def may_read_withdrawn_evidence(user) -> bool:
    """A withdrawn file's bytes are kept for the audit: auditors may still read them."""
    return _role_carries(user, AUDIT_TRAIL)


def may_comment(user, engagement: Engagement) -> bool:
    return is_hq_adviser(user) or _prepares_or_decides(user, engagement)


def require_comment(user, engagement: Engagement) -> None:
    if not may_comment(user, engagement):
        raise PermissionDenied("Your role reads this discussion; it does not take part in it.")


def comment_role(user, engagement: Engagement) -> str:
    """The role a comment is written under: the weightiest the user holds for this engagement."""
    if may_decide(user, engagement):
        return Role.CHIEF_OF_MISSION
    if may_prepare(user, engagement):
        return Role.PROJECT_MANAGER
    if is_hq_adviser(user):
        return Role.HQ_HUMAN_RIGHTS
    return ""


def engagement_readers(engagement: Engagement, usernames) -> list[User]:
    """Of the active users with these usernames, those who may see the engagement (whom a mention may notify)."""
    names = sorted(set(usernames))[:50]
    candidates = User.objects.filter(username__in=names, is_active=True).order_by("username")
    return [u for u in candidates if visible_engagements(u).filter(pk=engagement.pk).exists()]
