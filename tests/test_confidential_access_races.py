"""Granting or revoking an engagement's confidential access twice at once writes one change and one audit
entry: the second of two simultaneous calls is refused as a repeat."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from hrddp.models import AuditEntry, EngagementUserObjectPermission
from monitoring.confidential_access import confidential_access_grant, confidential_access_revoke
from tests.test_concurrency import _race

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]

SIMULTANEOUS = 8


def _grants(engagement):
    return EngagementUserObjectPermission.objects.filter(content_object=engagement, permission__codename="view_confidential")


def test_of_simultaneous_grants_to_one_person_exactly_one_is_recorded(engagement, pm, com, second_com):
    outcomes = _race([
        (lambda by=by: confidential_access_grant(engagement=engagement, user=pm, by=by, reason="Follows up the victims."))
        for by in [com, second_com] * (SIMULTANEOUS // 2)
    ])

    assert sum(o is None for o in outcomes) == 1, outcomes
    assert all(isinstance(o, ValidationError) for o in outcomes if o is not None), outcomes
    assert _grants(engagement).count() == 1
    assert AuditEntry.objects.filter(action="grant_confidential_access").count() == 1


def test_of_simultaneous_revocations_exactly_one_is_recorded(engagement, pm, com, second_com):
    confidential_access_grant(engagement=engagement, user=pm, by=com, reason="Follows up the victims.")

    outcomes = _race([
        (lambda by=by: confidential_access_revoke(engagement=engagement, user=pm, by=by, reason="Left the office."))
        for by in [com, second_com] * (SIMULTANEOUS // 2)
    ])

    assert sum(o is None for o in outcomes) == 1, outcomes
    assert _grants(engagement).count() == 0
    assert AuditEntry.objects.filter(action="revoke_confidential_access").count() == 1
