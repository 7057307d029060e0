"""Signed in (by token or session), and no writes for those who only read."""

from django.utils.translation import gettext as _
from rest_framework import permissions

from hrddp import access


class SignedInReadersRead(permissions.BasePermission):
    """A signed-in user reads what hrddp.access lets them see (each view scopes its records); a user whose roles
    only read (HQ, auditors) is refused every write with 403 before anything else is looked at."""

    message = _("Your role reads and does not write.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return not access.reads_only(request.user)
