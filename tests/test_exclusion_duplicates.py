"""One exclusion in force per person and per unit: a second one, in turn or at the same moment, is refused
with the first one named, and the audit trail records one exclusion."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from hrddp.models import AuditEntry, Recipient
from interventions.exclusions import exclusion_lift, exclusion_record
from interventions.models import Exclusion
from tests.test_concurrency import _race
from tests.test_exclusion_helpers import person  # noqa: F401 - fixtures


@pytest.fixture
def unit(engagement):
    return Recipient.objects.create(
        name="Kael Rapid Unit", country=engagement.recipient.country, category="police", level="unit",
        parent=engagement.recipient,
    )


@pytest.mark.parametrize("what", ["unit", "person"])
def test_it_refuses_a_second_exclusion_of_the_same_unit_or_person_while_the_first_is_in_force(
    request, engagement, com, what
):
    excluded = request.getfixturevalue(what)
    exclusion_record(engagement=engagement, by=com, reason="Killings at the Kael checkpoint", **{what: excluded})

    with pytest.raises(ValidationError) as refused:
        exclusion_record(engagement=engagement, by=com, reason="Again", **{what: excluded})

    assert f"{excluded} is already excluded since" in str(refused.value)
    assert "lift that exclusion first" in str(refused.value)
    assert Exclusion.objects.count() == 1
    assert AuditEntry.objects.filter(action="exclude").count() == 1


def test_it_lets_the_same_unit_be_excluded_again_once_the_first_exclusion_is_lifted(engagement, com, unit):
    first = exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)
    exclusion_lift(exclusion=first, by=com, reason="Commander replaced and unit retrained.")

    again = exclusion_record(engagement=engagement, by=com, reason="New killings", unit=unit)

    assert list(Exclusion.objects.active()) == [again]


def test_the_exclusions_page_shows_the_refusal_and_keeps_what_was_typed(client, engagement, com, unit):
    exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)
    client.force_login(com)

    response = client.post(
        f"/engagements/{engagement.pk}/exclusions/", {"unit": unit.pk, "reason": "A second reason typed here"}
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "is already excluded since" in content
    assert "A second reason typed here" in content
    assert Exclusion.objects.count() == 1


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_exclusions_of_one_unit_exactly_one_is_recorded(engagement, com, second_com, unit):
    outcomes = _race([
        lambda: exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit),
        lambda: exclusion_record(engagement=engagement, by=second_com, reason="Killings too", unit=unit),
    ])

    assert sum(isinstance(o, Exclusion) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    assert Exclusion.objects.count() == 1
    assert AuditEntry.objects.filter(action="exclude").count() == 1
