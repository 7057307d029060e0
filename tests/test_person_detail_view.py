"""The page of a person of interest: who they are (other names, birth, service number, identifiers, rank, the
recipient they belong to), their command periods, the allegations against them with category, date, status,
sources graded in words, status history and the authorities' steps with the finding; an exclusion in force.
Seen by every office of the country and HQ; a 404 for anyone else; the same few queries whatever the number
of allegations."""

from datetime import date

import pytest
from django.urls import reverse

from hrddp.models import CommandPeriod
from interventions.exclusions import exclusion_record
from register.models import PersonAlias
from register.person_services import accountability_step_record
from register.services import allegation_status_change
from tests.test_person_helpers import force, force_b, person, person_b, reported, unit  # noqa: F401 - fixtures


def _page(client, user, person):
    client.force_login(user)
    return client.get(reverse("person_detail", args=[person.pk]))


def test_the_page_shows_who_the_person_is_and_where_they_belong(client, pm, person, unit, force):
    # Given a person with other names, a service number and a command period
    PersonAlias.objects.create(person=person, name="Томас Рейл", note="Cyrillic")
    person.service_number, person.identifiers = "DP-4471", "Father's name: Ilyas"
    person.save()
    CommandPeriod.objects.create(person=person, unit=unit, position="Unit commander", start_date=date(2024, 1, 15))

    # When a project manager of the country opens the page
    response = _page(client, pm, person)

    # Then it shows them, and links the recipient and its force
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Colonel Tomas Reyl", "Томас Рейл", "Cyrillic", "DP-4471", "Father&#x27;s name: Ilyas", "1971",
                 "Unit commander", "holding it now"):
        assert text in content, text
    assert reverse("recipient_detail", args=[unit.pk]) in content
    assert reverse("recipient_detail", args=[force.pk]) in content


def test_each_allegation_shows_its_sources_graded_in_words_its_history_and_the_finding(client, pm, com, person):
    allegation = reported(pm, person, occurred_on=date(2025, 6, 1))
    allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="Two reports agree.")
    accountability_step_record(by=pm, allegation=allegation, kind="investigation_opened", taken_on=date(2026, 3, 3),
                               source="Ministry letter")
    reported(pm, person, summary="Beatings at the Omri post.", occurred_on=date(2025, 1, 1), category="gross_violations")

    content = _page(client, pm, person).content.decode()

    assert "Command responsibility: failed to prevent, or to punish" in content
    assert "Substantiated" in content and "1 June 2025" in content
    assert "OHCHR report, March 2026" in content
    assert "Source B — usually reliable; information 2 — probably true" in content
    assert "Two reports agree." in content and "Chief of Mission" in content and str(com) in content
    assert "Investigation opened on 3 March 2026." in content
    assert "No investigation or prosecution recorded" in content  # the second allegation


def test_the_page_shows_an_exclusion_in_force(client, com, pm, person, engagement):
    engagement.recipient = person.recipient
    engagement.save()
    exclusion_record(engagement=engagement, by=com, reason="Named in the Kael killings.", person=person)

    content = _page(client, pm, person).content.decode()

    assert "Excluded from support" in content and "Named in the Kael killings." in content


def test_those_who_record_get_the_links_and_a_pm_is_not_offered_to_decide(client, pm, person):
    allegation = reported(pm, person)
    allegation_status_change(by=pm, allegation=allegation, to_status="under_review", reason="Checking.")

    content = _page(client, pm, person).content.decode()

    for name, args in (("person_edit", [person.pk]), ("allegation_new", [person.pk]),
                       ("allegation_source_new", [allegation.pk]), ("accountability_allegation_new", [allegation.pk])):
        assert reverse(name, args=args) in content, name
    # under review: only a decider may move it on
    assert reverse("allegation_status", args=[allegation.pk]) not in content


def test_the_chief_of_mission_is_offered_to_change_the_status(client, pm, com, person):
    allegation = reported(pm, person)

    assert reverse("allegation_status", args=[allegation.pk]) in _page(client, com, person).content.decode()


def test_an_auditor_reads_the_page_without_any_form(client, pm, auditor, person):
    allegation = reported(pm, person)

    response = _page(client, auditor, person)

    assert response.status_code == 200
    content = response.content.decode()
    assert "OHCHR report, March 2026" in content
    for name, args in (("person_edit", [person.pk]), ("allegation_new", [person.pk]),
                       ("allegation_status", [allegation.pk]), ("allegation_source_new", [allegation.pk])):
        assert reverse(name, args=args) not in content, name


def test_hq_sees_the_persons_of_every_country(client, hq, person, person_b):
    assert _page(client, hq, person).status_code == 200
    assert _page(client, hq, person_b).status_code == 200


def test_a_pm_of_another_country_gets_404(client, outsider, person):
    assert _page(client, outsider, person).status_code == 404


def test_an_unknown_person_is_404(client, pm):
    client.force_login(pm)
    assert client.get(reverse("person_detail", args=[999999])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, person):
    response = client.get(reverse("person_detail", args=[person.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_costs_the_same_queries_whatever_the_number_of_allegations(
    client, pm, com, person, unit, count, django_assert_max_num_queries
):
    # Given allegations each with sources, a change of status and a step of the authorities
    PersonAlias.objects.create(person=person, name="T. Reyl")
    CommandPeriod.objects.create(person=person, unit=unit, position="Unit commander", start_date=date(2024, 1, 15))
    for n in range(count):
        allegation = reported(pm, person, summary=f"Allegation {n}.")
        allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="Agreed.")
        accountability_step_record(by=pm, allegation=allegation, kind="none", source="Governor")
    client.force_login(pm)
    url = reverse("person_detail", args=[person.pk])

    with django_assert_max_num_queries(17):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('class="record allegation"') == count
