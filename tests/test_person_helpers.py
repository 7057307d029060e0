"""The givens shared by the tests of the register's person pages (this file holds no test): a Darvonian police
force with a unit, a person of interest in the unit and allegations against them.

    from tests.test_person_helpers import force, unit, person  # noqa: F401 - fixtures
    allegation = reported(pm, person)
"""

from datetime import date

import pytest

from hrddp.models import PersonOfInterest, Recipient, RecipientLevel
from register.models import AllegationCategory
from register.services import allegation_record

SOURCE = {"description": "OHCHR report, March 2026", "source_reliability": "B", "information_credibility": "2"}


@pytest.fixture
def force(office_a):
    return Recipient.objects.create(name="Darvonian Police Force", country="Darvonia", category="police")


@pytest.fixture
def unit(force):
    return Recipient.objects.create(
        name="Rapid Intervention Unit", country="Darvonia", category="police", level=RecipientLevel.COMMAND,
        parent=force,
    )


@pytest.fixture
def person(unit):
    return PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=unit, birth_year=1971)


@pytest.fixture
def force_b(office_b):
    return Recipient.objects.create(name="Meridian Coast Guard", country="Meridia", category="border_customs")


@pytest.fixture
def person_b(force_b):
    return PersonOfInterest.objects.create(full_name="Oren Tasko", rank="Major", recipient=force_b)


def reported(by, person, *, summary="Failed to punish officers who beat detainees at the Kael post.",
             occurred_on=date(2025, 6, 1), category=AllegationCategory.COMMAND_RESPONSIBILITY, sources=(SOURCE,)):
    return allegation_record(
        by=by, person=person, category=category, summary=summary, occurred_on=occurred_on, sources=list(sources),
    )
