"""The exclusions page of an engagement, the open-request page refusing an excluded target, and the
"Excluded from support" flag on the pages where the excluded appear."""

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry, CommandPeriod, Engagement, SupportActivity
from interventions.exclusions import exclusion_record
from interventions.models import Exclusion
from tests.builders import grave_incident
from tests.factories import ProjectFactory
from tests.test_engagement_open import TRAINING, _request
from tests.test_exclusion_helpers import command, person, unit  # noqa: F401 - fixtures

FLAG = "Excluded from support"


def test_the_open_request_page_refuses_an_activity_aimed_at_an_excluded_unit(client, engagement, com, pm, unit):
    # Given the unit is excluded
    exclusion_record(engagement=engagement, by=com, reason="Killings at the Kael checkpoint", unit=unit)
    project = ProjectFactory(office=engagement.office)
    engagements_before, audit_before = Engagement.objects.count(), AuditEntry.objects.count()

    # When the project manager opens a request with an activity to that unit
    client.force_login(pm)
    data = _request(project, recipient=engagement.recipient, activities=({**TRAINING, "target_unit": unit.pk},))
    response = client.post(reverse("engagement_open"), data)

    # Then the page says why, next to the field, and nothing is created
    assert response.status_code == 400
    assert "This unit is excluded from support (Killings at the Kael checkpoint)" in response.content.decode()
    assert response.context["activities"].forms[0].errors["target_unit"]
    assert Engagement.objects.count() == engagements_before and not SupportActivity.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_the_open_request_page_refuses_an_excluded_recipient(client, engagement, com, pm):
    exclusion_record(engagement=engagement, by=com, reason="Force-wide pattern", unit=engagement.recipient)
    client.force_login(pm)

    response = client.post(reverse("engagement_open"), _request(ProjectFactory(office=engagement.office), recipient=engagement.recipient))

    assert response.status_code == 400
    assert "This unit is excluded from support (Force-wide pattern)" in response.content.decode()
    assert Engagement.objects.count() == 1


def test_the_open_request_page_accepts_a_target_unit_that_is_not_excluded(client, engagement, pm, unit):
    client.force_login(pm)
    data = _request(ProjectFactory(office=engagement.office), recipient=engagement.recipient,
                    activities=({**TRAINING, "target_unit": unit.pk},))

    response = client.post(reverse("engagement_open"), data)

    assert response.status_code == 302
    assert SupportActivity.objects.get().target_unit == unit


def test_the_flag_appears_on_the_engagement_page(client, engagement, com, pm):
    exclusion_record(engagement=engagement, by=com, reason="Force-wide pattern", unit=engagement.recipient)
    client.force_login(pm)

    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()

    assert FLAG in page and "Force-wide pattern" in page


def test_no_flag_appears_on_the_engagement_page_without_an_exclusion(client, engagement, pm):
    client.force_login(pm)

    assert FLAG not in client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()


def test_the_flag_appears_on_the_incident_page_for_the_persons_implicated_and_commanders(client, engagement, com, pm, person):
    incident = grave_incident(engagement)
    incident.persons_implicated.add(person)
    CommandPeriod.objects.create(person=person, unit=engagement.recipient, position="Commander", start_date=incident.occurred_on)
    exclusion_record(engagement=engagement, by=com, reason="Ordered the killings", person=person)
    client.force_login(pm)

    page = client.get(reverse("incident_detail", args=[engagement.pk, incident.pk])).content.decode()

    assert page.count(FLAG) == 2


def test_the_chief_of_mission_records_an_exclusion_on_the_page(client, engagement, com, unit):
    client.force_login(com)

    response = client.post(reverse("exclusion_list", args=[engagement.pk]), {"unit": unit.pk, "reason": "Killings"})

    assert response.status_code == 302
    exclusion = Exclusion.objects.get()
    assert (exclusion.unit, exclusion.excluded_by, exclusion.reason) == (unit, com, "Killings")
    assert AuditEntry.objects.get(action="exclude").actor == com
    assert FLAG in client.get(reverse("exclusion_list", args=[engagement.pk])).content.decode()


def test_the_page_refuses_an_exclusion_without_a_reason(client, engagement, com, unit):
    client.force_login(com)

    response = client.post(reverse("exclusion_list", args=[engagement.pk]), {"unit": unit.pk, "reason": ""})

    assert response.status_code == 400
    assert not Exclusion.objects.exists()


def test_the_chief_of_mission_lifts_an_exclusion_on_the_page(client, engagement, com, unit):
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)
    client.force_login(com)

    response = client.post(reverse("exclusion_lift", args=[engagement.pk, exclusion.pk]), {"reason": "Vetted anew"})

    assert response.status_code == 302
    exclusion.refresh_from_db()
    assert exclusion.lifted_by == com and exclusion.lift_reason == "Vetted anew"
    assert AuditEntry.objects.filter(action="lift_exclusion").count() == 1


@pytest.mark.parametrize("who", ["pm", "hq", "auditor"])
def test_others_who_see_the_engagement_read_the_exclusions_but_cannot_record_one(request, client, engagement, unit, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("exclusion_list", args=[engagement.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"unit": unit.pk, "reason": "Killings"}).status_code == 403
    assert not Exclusion.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["pm", "hq", "auditor"])
def test_only_the_chief_of_mission_lifts_an_exclusion(request, client, engagement, com, unit, who):
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("exclusion_lift", args=[engagement.pk, exclusion.pk]), {"reason": "No"})

    assert response.status_code == 403
    exclusion.refresh_from_db()
    assert exclusion.lifted_at is None


def test_an_outsider_gets_not_found_on_the_exclusions_pages(client, engagement, com, outsider, unit):
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)
    client.force_login(outsider)

    assert client.get(reverse("exclusion_list", args=[engagement.pk])).status_code == 404
    assert client.post(reverse("exclusion_list", args=[engagement.pk]), {"unit": unit.pk, "reason": "x"}).status_code == 404
    assert client.post(reverse("exclusion_lift", args=[engagement.pk, exclusion.pk]), {"reason": "x"}).status_code == 404
    assert Exclusion.objects.get().lifted_at is None


def test_another_engagements_exclusion_cannot_be_lifted_through_this_one(client, engagement, com, unit, office_a):
    from tests.factories import EngagementFactory

    exclusion = exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)
    other = EngagementFactory(office=office_a)
    client.force_login(com)

    assert client.post(reverse("exclusion_lift", args=[other.pk, exclusion.pk]), {"reason": "x"}).status_code == 404
