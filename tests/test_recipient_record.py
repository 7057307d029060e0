"""A recipient's page shows what every office knows about it: the incidents any office logged about the recipient
or a command or unit below it, without the confidential details the viewer was not granted and without a link
into an engagement the viewer may not open; its exclusions, in force first; its current and past commanders."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import CommandPeriod, PersonOfInterest, Role
from interventions.exclusions import exclusion_lift, exclusion_record
from monitoring.confidential_access import confidential_access_grant
from monitoring.models import Channel, Incident, VerificationStatus
from register.selectors import recipient_subtree_ids
from tests.factories import EngagementFactory, OfficeFactory, RecipientFactory, user_with_role
from tests.test_exclusion_helpers import command, unit  # noqa: F401 - fixtures

VICTIMS = "Two traders from Omri, named in the report"
WITNESSES = "A bus driver who stopped at the checkpoint"
SOURCE = "A nurse at the Kael clinic"
DESCRIPTION = "Two traders reported killed at an informal checkpoint run by officers of the unit."


@pytest.fixture
def office_c(db):
    """A second office working in office A's country (Darvonia): it assesses the same forces."""
    return OfficeFactory(code="ccc", name="Office C", country="Darvonia")


@pytest.fixture
def pm_c(office_c):
    return user_with_role(Role.PROJECT_MANAGER, office_c, username="pm.c")


def _incident(engagement, recipient, *, days_ago=3, **fields) -> Incident:
    values = dict(
        engagement=engagement, recipient=recipient, occurred_on=timezone.localdate() - timedelta(days=days_ago),
        place="Road between Kael and Omri", description=DESCRIPTION, channel=Channel.UN_MONITORING,
        categories=["gross_violations"], source_reliability="B", information_credibility="2",
        verification_status=VerificationStatus.CORROBORATED, grave_violation=True, substantial_grounds=True,
        victims=VICTIMS, witnesses=WITNESSES, source_details=SOURCE,
    )
    values.update(fields)
    return Incident.objects.create(**values)


def _page(client, user, recipient):
    client.force_login(user)
    return client.get(reverse("recipient_detail", args=[recipient.pk]))


def _confidential_absent(page: str) -> bool:
    return VICTIMS not in page and WITNESSES not in page and SOURCE not in page


def test_office_as_incident_about_a_unit_appears_on_office_cs_view_of_its_force_and_of_the_unit(
    client, engagement, unit, pm_c
):
    # Given office A logged an incident about a unit of the force
    incident = _incident(engagement, unit)

    # When a project manager of office C, working in the same country, opens the force and the unit
    pages = [_page(client, pm_c, r) for r in (engagement.recipient, unit)]

    # Then both list the incident with what office A knows and where it was logged
    for response in pages:
        page = response.content.decode()
        assert response.status_code == 200
        assert "What every office knows" in page
        assert incident.occurred_on.strftime("%-d %b %Y") in page
        assert "Road between Kael and Omri" in page and "Kael Rapid Unit" in page
        assert "Gross violations of human rights" in page and "Grave violation, substantial grounds" in page
        assert "B2" in page and "probably true" in page and "Corroborated" in page
        assert "Office A" in page and engagement.reference in page
        assert DESCRIPTION in page


def test_office_cs_view_holds_no_confidential_details_and_no_link_into_office_as_engagement(
    client, engagement, unit, pm_c
):
    # Given office A's incident about the unit, with victims, witnesses and a source
    incident = _incident(engagement, unit)

    # When office C's project manager opens the force's page
    page = _page(client, pm_c, engagement.recipient).content.decode()

    # Then none of the confidential details shows, and nothing links into office A's engagement
    assert _confidential_absent(page)
    assert "Redacted" in page or "redacted" in page
    assert reverse("incident_detail", args=[engagement.pk, incident.pk]) not in page
    assert f'href="{reverse("engagement_detail", args=[engagement.pk])}"' not in page


def test_office_as_own_project_manager_gets_the_link_but_not_the_details_without_the_grant(
    client, engagement, unit, pm
):
    incident = _incident(engagement, unit)

    page = _page(client, pm, engagement.recipient).content.decode()

    assert reverse("incident_detail", args=[engagement.pk, incident.pk]) in page
    assert _confidential_absent(page)


def test_with_the_confidential_grant_on_that_engagement_the_details_appear(client, engagement, unit, pm, com):
    # Given the Chief of Mission granted the project manager the engagement's confidential access
    _incident(engagement, unit)
    confidential_access_grant(engagement=engagement, user=pm, by=com, reason="Follows up the victims' protection.")

    # When the project manager opens the unit's page
    page = _page(client, pm, unit).content.decode()

    # Then the victims, witnesses and source are shown
    assert VICTIMS in page and WITNESSES in page and SOURCE in page


def test_hq_sees_the_incident(client, engagement, unit, hq):
    _incident(engagement, unit)

    page = _page(client, hq, engagement.recipient).content.decode()

    assert DESCRIPTION in page and engagement.reference in page
    assert _confidential_absent(page)


def test_a_project_manager_of_an_office_in_another_country_gets_not_found(client, engagement, unit, outsider):
    _incident(engagement, unit)

    assert _page(client, outsider, unit).status_code == 404
    assert _page(client, outsider, engagement.recipient).status_code == 404


def test_an_auditor_sees_the_incident_and_no_edit_control(client, engagement, unit, auditor):
    incident = _incident(engagement, unit)

    response = _page(client, auditor, unit)
    page = response.content.decode()

    assert response.status_code == 200 and DESCRIPTION in page
    assert reverse("incident_edit", args=[engagement.pk, incident.pk]) not in page
    assert 'method="post"' not in page.split('id="recipient-facts"', 1)[1]


def test_incidents_about_another_force_do_not_appear(client, engagement, unit, pm_c, office_a):
    # Given an incident about another force of the same country
    other_force = RecipientFactory(name="Darvonian Border Guard", country="Darvonia")
    other = EngagementFactory(office=office_a, recipient=other_force)
    _incident(other, other_force, place="Port of Selm", description="Beatings at the port of Selm.")

    # When office C's project manager opens the first force and its unit
    pages = [_page(client, pm_c, r).content.decode() for r in (engagement.recipient, unit)]

    # Then the other force's incident is on neither
    for page in pages:
        assert "Port of Selm" not in page and "Beatings at the port" not in page


def test_an_incident_about_the_force_is_not_listed_on_its_units_page(client, engagement, unit, pm_c):
    # The page shows the recipient and what is below it; the force's own record is one click up.
    _incident(engagement, engagement.recipient, place="Capital barracks")

    assert "Capital barracks" in _page(client, pm_c, engagement.recipient).content.decode()
    assert "Capital barracks" not in _page(client, pm_c, unit).content.decode()


def test_the_subtree_holds_the_recipient_its_commands_and_their_units(engagement, command, unit):
    force = engagement.recipient

    assert set(recipient_subtree_ids(force)) == {force.pk, command.pk, unit.pk}
    assert set(recipient_subtree_ids(command)) == {command.pk, unit.pk}
    assert recipient_subtree_ids(unit) == [unit.pk]


def test_exclusions_in_force_come_first_and_lifted_ones_are_marked(client, engagement, com, pm, command, unit):
    # Given the unit excluded, then its command excluded later and lifted
    exclusion_record(engagement=engagement, by=com, reason="Killings at the Kael checkpoint", unit=unit)
    lifted = exclusion_record(engagement=engagement, by=com, reason="Detention without charge", unit=command)
    exclusion_lift(exclusion=lifted, by=com, reason="Vetted anew")

    # When the unit's page is opened
    page = _page(client, pm, unit).content.decode()

    # Then the one in force is listed above the lifted one, which is marked
    assert page.index("Killings at the Kael checkpoint") < page.index("Detention without charge")
    section = page[page.index('id="recipient-exclusions"'):page.index('id="recipient-incidents"')]
    assert "Lifted" in section and "Vetted anew" in section


def test_current_and_past_commanders_are_apart_and_their_exclusions_flagged(client, engagement, com, pm, unit):
    today = timezone.localdate()
    now = PersonOfInterest.objects.create(full_name="Itano Selsami", rank="Commander", recipient=unit)
    leaving = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Major", recipient=unit)
    before = PersonOfInterest.objects.create(full_name="Vael Moro", rank="Colonel", recipient=unit)
    CommandPeriod.objects.create(person=now, unit=unit, position="Commander", start_date=date(2025, 3, 1))
    CommandPeriod.objects.create(
        person=leaving, unit=unit, position="Deputy", start_date=date(2025, 1, 1), end_date=today + timedelta(days=30)
    )
    CommandPeriod.objects.create(
        person=before, unit=unit, position="Commander", start_date=date(2023, 1, 1), end_date=date(2025, 2, 28)
    )
    exclusion_record(engagement=engagement, by=com, reason="Ordered the Omri raid", person=before)

    page = _page(client, pm, unit).content.decode()

    past = page.index("Past commanders")
    assert page.index("Itano Selsami") < past and page.index("Rhun Ostar") < past
    assert page.index("Vael Moro") > past
    assert "Excluded from support" in page[past:page.index('id="recipient-exclusions"')]


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_incidents(
    client, engagement, unit, command, office_c, pm_c, size, django_assert_max_num_queries
):
    # Given incidents about the force, its command and its unit, logged by two offices
    theirs = EngagementFactory(office=office_c, recipient=command)
    person = PersonOfInterest.objects.create(full_name="Itano Selsami", rank="Commander", recipient=unit)
    for i in range(size):
        incident = _incident((engagement, theirs)[i % 2], (engagement.recipient, command, unit)[i % 3], days_ago=i)
        incident.persons_implicated.add(person)
    client.force_login(pm_c)
    client.get(reverse("recipient_detail", args=[engagement.recipient.pk]))  # the session settles

    # When the force's page is opened, then the count of queries does not depend on the number of incidents
    with django_assert_max_num_queries(20):
        response = client.get(reverse("recipient_detail", args=[engagement.recipient.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Road between Kael and Omri") == size
    assert reverse("engagement_detail", args=[theirs.pk]) in page
