"""Who may see and do what: the one place every view, list and admin asks.

A user sees the engagements of the offices where they hold a role; HQ and
auditors see every office; a per-engagement grant (django-guardian) adds
single engagements, e.g. for a delegate or a co-managing project manager.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from hrddp.models import GLOBAL_ROLES, Engagement, Membership, Office
from hrddp.roles import role_may


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
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return Engagement.objects.none()
    if sees_every_office(user):
        return Engagement.objects.all()
    granted = get_objects_for_user(
        user, "hrddp.view_engagement", klass=Engagement, with_superuser=False, accept_global_perms=False
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
    """Whether the user holds an engagement permission ('prepare_engagement', 'decide_engagement')
    for this engagement: through a role in its office, or a grant on it."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    for role, office_id in memberships_of(user):
        if office_id == engagement.office_id and role_may(role, codename):
            return True
    # Object grants (django-guardian); superusers pass here as well.
    return user.has_perm(f"hrddp.{codename}", engagement)


def require_may(user, codename: str, engagement: Engagement) -> None:
    """403 unless the user may prepare ('prepare_engagement') or decide ('decide_engagement') on it."""
    from django.core.exceptions import PermissionDenied

    if not user_may(user, codename, engagement):
        raise PermissionDenied("Your role does not allow this on this engagement.")


def _role_carries(user, codename: str) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_superuser or any(role_may(role, codename) for role, _ in memberships_of(user))


def may_export(user) -> bool:
    """Whether the user may take the lists they see out as CSV or XLSX (a role permission)."""
    return _role_carries(user, "export_lists")


def may_import(user) -> bool:
    """Whether the user may bring records in from CSV or XLSX (project managers)."""
    return _role_carries(user, "import_records")


def require_export(user) -> None:
    from django.core.exceptions import PermissionDenied

    if not may_export(user):
        raise PermissionDenied("Your role does not allow exporting lists.")


def require_import(user) -> None:
    from django.core.exceptions import PermissionDenied

    if not may_import(user):
        raise PermissionDenied("Your role does not allow importing records.")
