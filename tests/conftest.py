"""The shared test base: two offices; in office A a project manager (the owner)
and a Chief of Mission (the colleague); in office B a project manager (the
outsider); HQ and an auditor who see both."""

import pytest

from hrddp import queue
from hrddp.models import Role
from tests.factories import EngagementFactory, OfficeFactory, user_with_role


@pytest.fixture
def office_a(db):
    return OfficeFactory(code="aaa", name="Office A", country="Darvonia")


@pytest.fixture
def office_b(db):
    return OfficeFactory(code="bbb", name="Office B", country="Meridia")


@pytest.fixture
def pm(office_a):
    return user_with_role(Role.PROJECT_MANAGER, office_a, username="pm.a")


@pytest.fixture
def com(office_a):
    return user_with_role(Role.CHIEF_OF_MISSION, office_a, username="com.a")


@pytest.fixture
def second_com(office_a):
    """A second Chief of Mission of office A (two deciding at once)."""
    return user_with_role(Role.CHIEF_OF_MISSION, office_a, username="oic.a")


@pytest.fixture
def outsider(office_b):
    return user_with_role(Role.PROJECT_MANAGER, office_b, username="pm.b")


@pytest.fixture
def com_b(office_b):
    return user_with_role(Role.CHIEF_OF_MISSION, office_b, username="com.b")


@pytest.fixture
def hq(db):
    return user_with_role(Role.HQ_HUMAN_RIGHTS, None, username="hq")


@pytest.fixture
def auditor(db):
    return user_with_role(Role.AUDITOR, None, username="auditor")


@pytest.fixture
def engagement(office_a):
    return EngagementFactory(office=office_a)


@pytest.fixture
def engagement_b(office_b):
    return EngagementFactory(office=office_b)


@pytest.fixture(autouse=True)
def _broker_reachable():
    # Each test starts with no remembered broker outage.
    queue._last_failure = 0.0


@pytest.fixture(autouse=True)
def _measure_catalogue(request):
    """The catalogue of measures a data migration seeds: a transactional test empties every table when it ends,
    and with the files shared out between processes a test of the catalogue may run after one in its process."""
    if "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")  # set up before this fixture reads
    import importlib

    from django.apps import apps as django_apps

    from mitigation.models import MeasureTemplate

    if not MeasureTemplate.objects.exists():
        importlib.import_module("mitigation.migrations.0003_seed_measure_catalogue").seed(django_apps, None)
