"""The givens shared by the exclusion tests (this file holds no test): under the engagement's recipient,
the Esse Province Command, its Kael Rapid Unit, and a person of interest of that unit.

Import the fixtures a test needs from here, e.g.
    from tests.test_exclusion_helpers import command, person, unit
A module that defines its own `unit` keeps it: `person` then belongs to that unit.
"""

import pytest

from hrddp.models import PersonOfInterest, Recipient


@pytest.fixture
def command(engagement):
    return Recipient.objects.create(
        name="Esse Province Command", country=engagement.recipient.country, category="police", level="command",
        parent=engagement.recipient,
    )


@pytest.fixture
def unit(command):
    return Recipient.objects.create(
        name="Kael Rapid Unit", country=command.country, category="police", level="unit", parent=command,
    )


@pytest.fixture
def person(unit):
    return PersonOfInterest.objects.create(full_name="Itano Selsami", rank="Commander", recipient=unit)
