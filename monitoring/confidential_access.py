"""Confidential access to an engagement's incidents: the Chief of Mission grants it to one member of the
office at a time, on a need to know, and withdraws it.

The grant itself is a django-guardian object permission kept by hrddp.access, which answers who holds it
(may_see_confidential); these services check who may grant, take the engagement's row lock and write the
audit entry in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from hrddp import access
from hrddp.models import AuditAction, Engagement, User
from hrddp.services import audit_record, engagement_locked


def confidential_access_grant(*, engagement: Engagement, user: User, by: User, reason: str) -> None:
    """Let one member of the office read the engagement's confidential incident details (need to know)."""
    if not access.may_grant_confidential(by, engagement):
        raise PermissionDenied("Only the Chief of Mission grants confidential access.")
    reason = (reason or "").strip()
    with transaction.atomic():
        # Grants and revocations of one engagement take its row lock, so two at once (a double click, two
        # Chiefs of Mission) are one after the other: the second sees the first and is refused.
        engagement_locked(engagement)
        errors = {}
        if not access.confidential_access_candidates(engagement).filter(pk=user.pk).exists():
            errors["user"] = [f"Confidential access is granted to members of {engagement.office.name} only."]
        elif access.holds_confidential_grant(engagement, user):
            errors["user"] = [f"{user} already has confidential access on this engagement."]
        if not reason:
            errors["reason"] = ["Say why this person needs to read victims', witnesses' and sources' details."]
        if errors:
            raise ValidationError(errors)
        access.confidential_grant_add(engagement, user)
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.GRANT_CONFIDENTIAL_ACCESS,
            justification=f"Granted {user} access to the confidential details of incidents: {reason}",
            details={"user": user.pk},
        )


def confidential_access_revoke(*, engagement: Engagement, user: User, by: User, reason: str = "") -> None:
    """Withdraw one user's confidential access on the engagement."""
    if not access.may_grant_confidential(by, engagement):
        raise PermissionDenied("Only the Chief of Mission revokes confidential access.")
    reason = (reason or "").strip()
    with transaction.atomic():
        engagement_locked(engagement)
        if not access.holds_confidential_grant(engagement, user):
            raise ValidationError({"user": [f"{user} has no confidential access on this engagement."]})
        access.confidential_grant_remove(engagement, user)
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.REVOKE_CONFIDENTIAL_ACCESS,
            justification=f"Withdrew {user}'s access to the confidential details of incidents"
            + (f": {reason}" if reason else "."),
            details={"user": user.pk},
        )

