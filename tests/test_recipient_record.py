"""A recipient's page shows what every office knows about it: the incidents any office logged about the recipient
or a command or unit below it, without the confidential details the viewer was not granted and without a link
into an engagement the viewer may not open; the allegations against its people, grouped by person; the
accountability record with its findings; its exclusions, in force first; its current and past commanders."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import CommandPeriod, PersonOfInterest, Role
from interventions.exclusions import exclusion_lift, exclusion_record
from monitoring.confidential_access import confidential_access_grant
from monitoring.models import Channel, Incident, VerificationStatus
from register.models import AccountabilityStep, AccountabilityStepKind, AllegationStatus
from register.selectors import NO_ACTION_RECORDED, accountability_finding, recipient_subtree_ids
from register.services import allegation_record, allegation_status_change
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


def _allegation(person, by, *, status=AllegationStatus.REPORTED, decided_by=None, days_ago=10, **fields):
    values = dict(
        category="gross_violations", summary="Ordered the beating of detainees at the Kael post.",
        occurred_on=timezone.localdate() - timedelta(days=days_ago),
        sources=[
            {"description": "OHCHR report, March", "source_reliability": "C", "information_credibility": "3"},
            {"description": "Press report, Omri Daily", "source_reliability": "B", "information_credibility": "2"},
        ],
    )
    values.update(fields)
    allegation = allegation_record(by=by, person=person, **values)
    if status == AllegationStatus.UNDER_REVIEW:
        allegation_status_change(by=by, allegation=allegation, to_status=status, reason="Taken up.")
    elif status != AllegationStatus.REPORTED:
        allegation_status_change(by=decided_by, allegation=allegation, to_status=status, reason="Two sources agree.")
    allegation.refresh_from_db()
    return allegation


def _step(by, kind, *, allegation=None, incident=None, **fields):
    return AccountabilityStep.objects.create(
        allegation=allegation, incident=incident, kind=kind, recorded_by=by,
        taken_on=fields.pop("taken_on", timezone.localdate()), source=fields.pop("source", "Ministry letter"),
        **fields,
    )


def _section(page: str, anchor: str, until: str) -> str:
    return page[page.index(f'id="{anchor}"'):page.index(f'id="{until}"')]


def test_office_as_incident_about_a_unit_appears_in_another_offices_view_of_that_unit_without_confidential_details(
    client, engagement, unit, pm_c
):
    # Given office A logged an incident about a unit, with victims, witnesses and a source
    _incident(engagement, unit)

    # When a project manager of office C, another office of the same country, opens the unit's page
    response = _page(client, pm_c, unit)

    # Then the incident is there with what office A knows, and none of its confidential details
    page = response.content.decode()
    assert response.status_code == 200
    incidents = _section(page, "recipient-incidents", "recipient-allegations")
    assert DESCRIPTION in incidents and "Office A" in incidents and "B2" in incidents
    assert _confidential_absent(page)


# --- Allegations against the recipient's people ---------------------------------------------------------------


def test_allegations_against_a_units_member_and_its_commander_are_listed_by_person(
    client, engagement, command, unit, pm, com, pm_c
):
    # Given a member of the unit, and a commander of the unit who belongs to the command above it
    member = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Sergeant", recipient=unit)
    commander = PersonOfInterest.objects.create(full_name="Itano Selsami", rank="Commander", recipient=command)
    CommandPeriod.objects.create(person=commander, unit=unit, position="Commander", start_date=date(2025, 3, 1))
    # ... with an allegation recorded by office A against each, the commander's substantiated by the COM
    _allegation(member, pm, summary="Beat a detainee at the Kael post.", days_ago=40)
    _allegation(
        commander, pm, status=AllegationStatus.SUBSTANTIATED, decided_by=com, category="command_responsibility",
        summary="Failed to punish the Kael post beatings.", days_ago=20,
    )

    # When office C's project manager opens the unit's page
    page = _page(client, pm_c, unit).content.decode()

    # Then each person has their allegations, with category, date, status spelled out, best grade and office
    section = _section(page, "recipient-allegations", "recipient-accountability")
    assert section.index("Commander Itano Selsami") < section.index("Sergeant Rhun Ostar")  # A–Z by full name
    commander_part = section[section.index(f'id="person-{commander.pk}"'):section.index(f'id="person-{member.pk}"')]
    assert "Holds a command here now" in commander_part and "Commander of Kael Rapid Unit since 1 Mar 2025" in commander_part
    assert "Command responsibility" in commander_part and "Failed to punish the Kael post beatings." in commander_part
    assert "Substantiated by the Chief of Mission on" in commander_part
    assert "B2" in commander_part and "best of 2" in commander_part  # B2 beats C3
    assert "Office A" in commander_part
    member_part = section[section.index(f'id="person-{member.pk}"'):]
    assert "Member of Kael Rapid Unit" in member_part and "Reported: recorded by a project manager on" in member_part
    assert (timezone.localdate() - timedelta(days=40)).strftime("%-d %b %Y") in member_part
    # And the commander's name among the commanders leads to their page in the register
    assert f'href="{reverse("person_detail", args=[commander.pk])}"' in page


def test_the_force_lists_the_allegations_against_the_people_of_its_units_too(client, engagement, unit, pm):
    member = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Sergeant", recipient=unit)
    _allegation(member, pm, summary="Beat a detainee at the Kael post.")

    page = _page(client, pm, engagement.recipient).content.decode()

    assert "Beat a detainee at the Kael post." in _section(page, "recipient-allegations", "recipient-accountability")


def test_allegations_against_people_of_another_force_do_not_appear(client, engagement, unit, pm):
    other_force = RecipientFactory(name="Darvonian Border Guard", country="Darvonia")
    stranger = PersonOfInterest.objects.create(full_name="Oren Vask", rank="Captain", recipient=other_force)
    _allegation(stranger, pm, summary="Beatings at the port of Selm.")

    for recipient in (engagement.recipient, unit):
        page = _page(client, pm, recipient).content.decode()
        assert "Oren Vask" not in page and "port of Selm" not in page
        assert "No allegation recorded" in page


def test_an_allegation_arising_from_an_incident_links_to_it_only_for_those_who_may_open_its_engagement(
    client, engagement, unit, pm, pm_c
):
    # Given an allegation arising from office A's incident
    incident = _incident(engagement, unit)
    member = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Sergeant", recipient=unit)
    _allegation(member, pm, incident=incident)
    link = reverse("incident_detail", args=[engagement.pk, incident.pk])

    # When office A's and office C's project managers open the unit's page
    theirs = _section(_page(client, pm_c, unit).content.decode(), "recipient-allegations", "recipient-accountability")
    ours = _section(_page(client, pm, unit).content.decode(), "recipient-allegations", "recipient-accountability")

    # Then both read where it arises from; only office A's may follow the link
    assert "the incident of" in theirs and "the incident of" in ours
    assert link in ours and link not in theirs


def test_hq_sees_the_allegations_of_every_country(client, engagement, engagement_b, unit, pm, outsider, hq):
    member = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Sergeant", recipient=unit)
    _allegation(member, pm, summary="Beat a detainee at the Kael post.")
    foreign = PersonOfInterest.objects.create(full_name="Lio Mered", rank="Captain", recipient=engagement_b.recipient)
    _allegation(foreign, outsider, summary="Pushed back boats at sea.")

    assert "Beat a detainee at the Kael post." in _page(client, hq, unit).content.decode()
    assert "Pushed back boats at sea." in _page(client, hq, engagement_b.recipient).content.decode()
    assert _page(client, outsider, unit).status_code == 404


# --- The accountability record ---------------------------------------------------------------------------------


def test_a_substantiated_allegation_with_no_step_is_found_a_failure_to_investigate_or_prosecute(
    client, engagement, unit, pm, com
):
    # Given a substantiated allegation on which the authorities are not recorded to have done anything
    member = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Sergeant", recipient=unit)
    allegation = _allegation(member, pm, status=AllegationStatus.SUBSTANTIATED, decided_by=com)

    # When the unit's page is opened
    page = _page(client, pm, unit).content.decode()

    # Then the accountability record says so, and counts it
    section = _section(page, "recipient-accountability", "recipient-engagements")
    assert f'href="#allegation-{allegation.pk}"' in section
    assert NO_ACTION_RECORDED in section and "failure to investigate or prosecute" in section
    assert "on 1 of 1 substantiated allegation or grave incident" in section


def test_a_grave_incident_the_authorities_investigated_is_not_a_failure(client, engagement, unit, pm):
    # Given a grave incident on which an investigation was opened, then closed without charges
    incident = _incident(engagement, unit)
    _step(pm, AccountabilityStepKind.INVESTIGATION_CLOSED, incident=incident, taken_on=timezone.localdate())
    _step(pm, AccountabilityStepKind.INVESTIGATION_OPENED, incident=incident,
          taken_on=timezone.localdate() - timedelta(days=2), description="Inspectorate file 12/2026")

    section = _section(_page(client, pm, unit).content.decode(), "recipient-accountability", "recipient-engagements")

    assert f'href="#incident-{incident.pk}"' in section
    assert "The authorities acted: investigation opened" in section and "Inspectorate file 12/2026" in section
    assert "Investigation closed without charges" in section
    assert "failure to investigate or prosecute (P" not in section
    assert "is recorded on every substantiated allegation and grave incident" in section


def test_a_grave_incident_closed_without_charges_only_is_a_failure(client, engagement, unit, pm):
    incident = _incident(engagement, unit)
    _step(pm, AccountabilityStepKind.INVESTIGATION_CLOSED, incident=incident)

    section = _section(_page(client, pm, unit).content.decode(), "recipient-accountability", "recipient-engagements")

    assert f"{NO_ACTION_RECORDED}; recorded only: investigation closed without charges" in section


def test_an_open_allegation_and_a_minor_incident_without_steps_stay_out_of_the_accountability_record(
    client, engagement, unit, pm
):
    member = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Sergeant", recipient=unit)
    allegation = _allegation(member, pm)
    incident = _incident(engagement, unit, grave_violation=False, substantial_grounds=False)

    section = _section(_page(client, pm, unit).content.decode(), "recipient-accountability", "recipient-engagements")

    assert f"#allegation-{allegation.pk}" not in section and f"#incident-{incident.pk}" not in section
    assert "No substantiated allegation and no incident classified as a grave violation on record." in section


def test_an_incident_found_unfounded_is_no_failure_whatever_its_classification(client, engagement, unit, pm):
    _incident(engagement, unit, verification_status=VerificationStatus.UNFOUNDED)

    section = _section(_page(client, pm, unit).content.decode(), "recipient-accountability", "recipient-engagements")

    assert NO_ACTION_RECORDED not in section


@pytest.mark.parametrize(
    ("serious", "kinds", "words", "failure"),
    [
        (True, [], NO_ACTION_RECORDED, True),
        (True, ["none"], f"{NO_ACTION_RECORDED}; recorded only: no step taken", True),
        (True, ["acquittal", "prosecution"], "The authorities acted: acquittal; prosecution", False),
        (True, ["conviction", "prosecution"], "The authorities acted: conviction; prosecution", False),
        (False, [], "No step recorded yet", False),
        (False, ["investigation_closed"], "No action recorded: investigation closed without charges", False),
    ],
)
def test_the_finding_says_in_words_what_the_steps_amount_to(serious, kinds, words, failure):
    assert accountability_finding(serious=serious, kinds=kinds) == (words, failure)


# --- Bounded queries -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_incidents(
    client, engagement, unit, command, office_c, pm, com, pm_c, size, django_assert_max_num_queries
):
    # Given incidents about the force, its command and its unit, logged by two offices
    theirs = EngagementFactory(office=office_c, recipient=command)
    person = PersonOfInterest.objects.create(full_name="Itano Selsami", rank="Commander", recipient=unit)
    CommandPeriod.objects.create(person=person, unit=unit, position="Commander", start_date=date(2025, 3, 1))
    incidents = []
    for i in range(size):
        incident = _incident((engagement, theirs)[i % 2], (engagement.recipient, command, unit)[i % 3], days_ago=i)
        incident.persons_implicated.add(person)
        incidents.append(incident)
    # ... as many allegations against people of the unit, with their sources and status changes, some arising
    # from the incidents, and steps of the authorities on some of them and on some incidents
    for i in range(size):
        member = PersonOfInterest.objects.create(full_name=f"Officer {i:02}", recipient=unit)
        status = (AllegationStatus.SUBSTANTIATED, AllegationStatus.REPORTED, AllegationStatus.UNDER_REVIEW)[i % 3]
        allegation = _allegation(
            member, pm, status=status, decided_by=com, summary=f"Allegation {i}", incident=incidents[i] if i % 2 else None,
        )
        if i % 2:
            _step(pm, AccountabilityStepKind.PROSECUTION, allegation=allegation)
            _step(pm, AccountabilityStepKind.INVESTIGATION_OPENED, incident=incidents[i])
    client.force_login(pm_c)
    client.get(reverse("recipient_detail", args=[engagement.recipient.pk]))  # the session settles

    # When the force's page is opened, then the count of queries does not depend on the number of rows
    with django_assert_max_num_queries(26):  # 20 for the rest of the page, 5 for the allegations and steps, 1 for
        # whether the viewer may record in the register
        response = client.get(reverse("recipient_detail", args=[engagement.recipient.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Road between Kael and Omri") == size
    assert reverse("engagement_detail", args=[theirs.pk]) in page
    assert all(f"Allegation {i}" in page for i in range(size))
    assert page.count('class="allegation status-') == size
