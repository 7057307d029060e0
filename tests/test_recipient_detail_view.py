"""A recipient's page: its lineage, category, commanders, exclusions and the engagements the user sees."""

from datetime import date

import pytest
from django.urls import reverse

from hrddp.models import CommandPeriod, PersonOfInterest
from interventions.exclusions import exclusion_lift, exclusion_record
from tests.factories import EngagementFactory
from tests.test_exclusion_helpers import command, unit  # noqa: F401 - fixtures

FLAG = "Excluded from support"


def _page(client, user, recipient):
    client.force_login(user)
    return client.get(reverse("recipient_detail", args=[recipient.pk]))


def test_the_flag_appears_on_the_units_page(client, engagement, com, pm, unit):
    # Given the unit is excluded
    exclusion_record(engagement=engagement, by=com, reason="Killings at the Kael checkpoint", unit=unit)

    # When the project manager opens the unit's page
    response = _page(client, pm, unit)

    # Then it carries the flag with the reason
    page = response.content.decode()
    assert response.status_code == 200
    assert FLAG in page and "Killings at the Kael checkpoint" in page


def test_a_unit_of_an_excluded_command_is_flagged(client, engagement, com, pm, command, unit):
    exclusion_record(engagement=engagement, by=com, reason="Command responsibility", unit=command)

    assert FLAG in _page(client, pm, unit).content.decode()


def test_a_lifted_exclusion_leaves_no_flag_but_stays_on_record(client, engagement, com, pm, unit):
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)
    exclusion_lift(exclusion=exclusion, by=com, reason="Vetted anew")

    page = _page(client, pm, unit).content.decode()

    assert FLAG not in page
    assert "Vetted anew" in page


def test_the_page_shows_lineage_category_commanders_and_engagements(client, engagement, pm, unit):
    person = PersonOfInterest.objects.create(full_name="Itano Selsami", rank="Commander", recipient=unit)
    CommandPeriod.objects.create(person=person, unit=unit, position="Commander of Kael", start_date=date(2025, 3, 1))

    page = _page(client, pm, engagement.recipient).content.decode()
    unit_page = _page(client, pm, unit).content.decode()

    assert engagement.reference in page
    assert "Esse Province Command" in unit_page and engagement.recipient.name in unit_page
    assert "Commander Itano Selsami" in unit_page and "1 Mar 2025" in unit_page
    assert unit.get_category_display() in unit_page


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_those_who_work_in_the_country_or_everywhere_see_the_page(request, client, unit, who):
    assert _page(client, request.getfixturevalue(who), unit).status_code == 200


def test_an_outsider_gets_not_found(client, outsider, unit):
    assert _page(client, outsider, unit).status_code == 404


def test_the_outsiders_engagements_are_not_listed_to_hq_only_those_it_sees(client, engagement, engagement_b, hq, pm):
    page = _page(client, pm, engagement.recipient).content.decode()

    assert engagement.reference in page and engagement_b.reference not in page


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, unit):
    response = client.get(reverse("recipient_detail", args=[unit.pk]))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_page_runs_a_bounded_number_of_queries(client, engagement, com, pm, unit, django_assert_max_num_queries):
    for i in range(15):
        person = PersonOfInterest.objects.create(full_name=f"Officer {i}", recipient=unit)
        CommandPeriod.objects.create(person=person, unit=unit, position=f"Post {i}", start_date=date(2025, 1, 1 + i))
        exclusion_record(engagement=engagement, by=com, reason=f"Reason {i}", person=person)
        EngagementFactory(office=engagement.office, recipient=unit)
    client.force_login(pm)
    client.get(reverse("recipient_detail", args=[unit.pk]))  # the session settles

    with django_assert_max_num_queries(18):  # the allegations are one more (none here: no prefetch), and whether
        # the viewer may record in the register one more
        response = client.get(reverse("recipient_detail", args=[unit.pk]))

    assert response.status_code == 200
    assert response.content.decode().count(FLAG) == 15
