"""Beside risk element 2 of an assessment (the record of compliance, P¶14(a)) the risk-assessment page shows the
register's record of the engagement's recipient: every office's incidents with their grading (never their
confidential details), the allegations against its people, the accountability finding, the exclusions in force
and the current commanders, flagged, with a link to the full record. Nothing confidential, nothing out of scope."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from assessments.models import RiskElement
from hrddp.models import CommandPeriod, PersonOfInterest, Recipient, State
from interventions.exclusions import exclusion_record
from monitoring.confidential_access import confidential_access_grant
from register.models import AccountabilityStepKind, AllegationStatus
from register.selectors import NO_ACTION_RECORDED
from tests.builders import start_assessment
from tests.factories import EngagementFactory
from tests.test_recipient_record import (
    DESCRIPTION,
    SOURCE,
    VICTIMS,
    WITNESSES,
    _allegation,
    _confidential_absent,
    _incident,
    _step,
    office_c,  # noqa: F401 - fixture
    pm_c,  # noqa: F401 - fixture
)


@pytest.fixture
def at_assessment(office_a):
    """Office A's engagement with a force, at the risk-assessment stage, with an empty draft."""
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    start_assessment(engagement)
    return engagement


@pytest.fixture
def unit(at_assessment):
    return Recipient.objects.create(
        name="Kael Rapid Unit", country=at_assessment.recipient.country, category="police", level="unit",
        parent=Recipient.objects.create(
            name="Esse Province Command", country=at_assessment.recipient.country, category="police",
            level="command", parent=at_assessment.recipient,
        ),
    )


@pytest.fixture
def theirs(office_c, unit):
    """Office C's engagement with the unit: office C logs what it knows there."""
    return EngagementFactory(office=office_c, recipient=unit, state=State.ACTIVE)


def _page(client, user, engagement):
    client.force_login(user)
    response = client.get(reverse("risk_assessment_edit", args=[engagement.pk]))
    return response, response.content.decode()


def _element(page: str, element: str) -> str:
    """The part of the page that is one element's fieldset."""
    start = page.index(f'id="element-{element}"')
    return page[start:page.index("</fieldset>", start)]


def _panel(page: str) -> str:
    start = page.index('<aside class="element-panel">')
    return page[start:page.index("</aside>", start)]


def test_the_pm_sees_office_cs_incident_beside_element_2_without_its_confidential_details(
    client, pm, at_assessment, unit, theirs
):
    # Given office C, another office of the same country, logged an incident about a unit of the force
    incident = _incident(theirs, unit)

    # When office A's project manager opens the risk assessment of its engagement with the force
    response, page = _page(client, pm, at_assessment)

    # Then beside element 2 the panel shows the incident with its grading and office, and none of its details
    assert response.status_code == 200
    element = _element(page, RiskElement.COMPLIANCE_RECORD)
    assert 'class="element-panel"' in element
    panel = _panel(element)
    assert "The register's record of" in panel and at_assessment.recipient.name in panel
    assert incident.occurred_on.strftime("%-d %b %Y") in panel and "Kael Rapid Unit" in panel
    assert "Grave violation, substantial grounds" in panel and "B2" in panel and "Corroborated" in panel
    assert "Office C" in panel
    assert _confidential_absent(page) and DESCRIPTION not in panel
    # ... no way into office C's engagement, and a link to the full record of the force
    assert reverse("engagement_detail", args=[theirs.pk]) not in page
    assert reverse("incident_detail", args=[theirs.pk, incident.pk]) not in page
    record = reverse("recipient_detail", args=[at_assessment.recipient.pk])
    assert f'href="{record}"' in panel and f'href="{record}#incident-{incident.pk}"' in panel


def test_the_panel_is_beside_element_2_only(client, pm, at_assessment, unit, theirs):
    _incident(theirs, unit)

    _, page = _page(client, pm, at_assessment)

    assert page.count('class="element-panel"') == 1
    for element in RiskElement.values:
        if element != RiskElement.COMPLIANCE_RECORD:
            assert 'class="element-panel"' not in _element(page, element)


def test_even_with_the_confidential_grant_the_details_stay_on_the_recipients_page(
    client, pm, com, at_assessment, unit
):
    # Given office A's own incident, and the project manager granted its confidential access
    _incident(at_assessment, unit)
    confidential_access_grant(engagement=at_assessment, user=pm, by=com, reason="Follows the victims' protection.")

    _, page = _page(client, pm, at_assessment)

    assert VICTIMS not in page and WITNESSES not in page and SOURCE not in page
    assert "Victims', witnesses' and sources' details are not shown here." in _panel(page)


def test_the_panel_counts_and_flags_what_weighs_on_the_assessment(client, pm, com, at_assessment, unit, theirs):
    # Given a commander of the unit, now in command, with a substantiated allegation no one acted on
    commander = PersonOfInterest.objects.create(full_name="Itano Selsami", rank="Commander", recipient=unit)
    CommandPeriod.objects.create(
        person=commander, unit=at_assessment.recipient, position="Commander of the force", start_date=date(2025, 3, 1)
    )
    _allegation(
        commander, pm, status=AllegationStatus.SUBSTANTIATED, decided_by=com, category="command_responsibility",
        summary="Failed to punish the Kael post beatings.",
    )
    # ... an open allegation against a member of the unit, and a grave incident the authorities investigated
    member = PersonOfInterest.objects.create(full_name="Rhun Ostar", rank="Sergeant", recipient=unit)
    _allegation(member, pm)
    incident = _incident(theirs, unit)
    _step(pm, AccountabilityStepKind.INVESTIGATION_OPENED, incident=incident)
    # ... and the unit excluded from support
    exclusion_record(engagement=at_assessment, by=com, reason="Killings at the Kael checkpoint", unit=unit)

    _, page = _page(client, pm, at_assessment)
    panel = _panel(page)

    # Then the panel counts them, flags the commander and gives the accountability finding
    assert "Allegations against its people</dt><dd>2</dd>" in panel
    assert "of which substantiated</dt><dd>1</dd>" in panel and "still open</dt><dd>1</dd>" in panel
    assert "of which grave violations</dt><dd>1</dd>" in panel
    commanders = panel[panel.index("Commanders now"):]
    assert "Commander Itano Selsami" in commanders and "1 substantiated allegation" in commanders
    assert f"{NO_ACTION_RECORDED} on 1 of 2" in panel
    assert "Allegation against Commander Itano Selsami" in panel
    assert "Command responsibility" in panel and "Substantiated" in panel
    # The unit's exclusion covers the unit, not the force: it is the unit's record
    assert "Exclusions in force</dt><dd>0</dd>" in panel


def test_an_exclusion_of_the_force_and_of_a_commander_are_flagged(client, pm, com, at_assessment):
    force = at_assessment.recipient
    commander = PersonOfInterest.objects.create(full_name="Vael Moro", rank="Colonel", recipient=force)
    CommandPeriod.objects.create(person=commander, unit=force, position="Commander", start_date=date(2025, 1, 1))
    exclusion_record(engagement=at_assessment, by=com, reason="Ordered the Omri raid", person=commander)
    exclusion_record(engagement=at_assessment, by=com, reason="Detention without charge", unit=force)

    panel = _panel(_page(client, pm, at_assessment)[1])

    assert "Exclusions in force</dt><dd>2</dd>" in panel
    assert "Ordered the Omri raid" in panel and "Detention without charge" in panel
    commanders = panel[panel.index("Commanders now"):panel.index("Exclusions in force</h5>")]
    assert "Colonel Vael Moro" in commanders and "Excluded from support" in commanders


def test_with_nothing_on_record_the_panel_says_so(client, pm, at_assessment):
    panel = _panel(_page(client, pm, at_assessment)[1])

    assert "Incidents logged</dt><dd>0</dd>" in panel
    assert "No substantiated allegation and no incident classified as a grave violation on record." in panel
    assert "No one recorded in command now." in panel


def test_the_chief_of_mission_reading_the_draft_sees_the_panel_too(client, com, at_assessment, unit, theirs):
    # The Chief of Mission reads the draft the project manager is writing, with the register's record beside it.
    _incident(theirs, unit)

    response, page = _page(client, com, at_assessment)

    assert response.status_code == 200 and 'class="risk-form"' not in page
    reading = page[page.index(f'id="read-{RiskElement.COMPLIANCE_RECORD}"'):page.index(f'id="read-{RiskElement.ACCOUNTABILITY_RECORD}"')]
    assert "The register's record of" in reading and "Office C" in reading
    assert _confidential_absent(page)


def test_a_user_granted_the_engagement_from_another_country_gets_no_panel(client, outsider, at_assessment, unit):
    # Given office B's project manager (another country) granted a view of office A's engagement
    _incident(at_assessment, unit)
    assign_perm("hrddp.view_engagement", outsider, at_assessment)

    # When they open its risk assessment, then they read it without the register of a country they do not work in
    response, page = _page(client, outsider, at_assessment)

    assert response.status_code == 200
    assert 'class="element-panel"' not in page and "The register's record of" not in page


def test_an_outsider_gets_not_found(client, outsider, at_assessment):
    response, page = _page(client, outsider, at_assessment)

    assert response.status_code == 404 and "The register's record of" not in page


def test_hq_sees_the_panel(client, hq, at_assessment, unit, theirs):
    _incident(theirs, unit)

    response, page = _page(client, hq, at_assessment)

    assert response.status_code == 200 and "Office C" in _panel(page)
    assert _confidential_absent(page)


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_with_the_panel_reads_a_fixed_number_of_queries(
    client, pm, com, at_assessment, unit, theirs, size, django_assert_max_num_queries
):
    # Given incidents of two offices, allegations with sources and status changes, steps of the authorities,
    # commanders and exclusions, as many of each as `size`
    force = at_assessment.recipient
    for i in range(size):
        incident = _incident((at_assessment, theirs)[i % 2], (force, unit)[i % 2], days_ago=i)
        person = PersonOfInterest.objects.create(full_name=f"Officer {i:02}", recipient=unit)
        CommandPeriod.objects.create(
            person=person, unit=force, position=f"Deputy {i}", start_date=timezone.localdate() - timedelta(days=i + 1)
        )
        status = (AllegationStatus.SUBSTANTIATED, AllegationStatus.REPORTED)[i % 2]
        allegation = _allegation(person, pm, status=status, decided_by=com, incident=incident)
        _step(pm, AccountabilityStepKind.PROSECUTION, allegation=allegation)
        _step(pm, AccountabilityStepKind.INVESTIGATION_CLOSED, incident=incident)
        exclusion_record(engagement=at_assessment, by=com, reason=f"Reason {i}", person=person)
    client.force_login(pm)
    client.get(reverse("risk_assessment_edit", args=[at_assessment.pk]))  # the session settles

    # When the risk-assessment page is opened, then the count of queries does not depend on `size`
    with django_assert_max_num_queries(28):  # 16 for the page, 12 for the panel
        response = client.get(reverse("risk_assessment_edit", args=[at_assessment.pk]))

    assert response.status_code == 200
    panel = _panel(response.content.decode())
    assert "Incidents logged <span" in panel and f"</dt><dd>{size}</dd>" in panel
    assert panel.count("Excluded from support") == size
