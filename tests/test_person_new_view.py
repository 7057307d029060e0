"""Recording a new person of interest under a force, command or unit: the form, every problem at once with
nothing typed lost, who may (those who record in the country), and a 404 for another country's recipient."""

import pytest
from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry, PersonOfInterest
from tests.test_person_helpers import force, force_b, unit  # noqa: F401 - fixtures

FORM = {
    "full_name": "Idris Valemo", "rank": "Colonel", "aliases": "Идрис Валемо | Cyrillic\nIdriss Valémo\n\n",
    "birth_date": "1971-04-02", "birth_year": "", "service_number": "DP-4471", "identifiers": "",
}


def _url(recipient):
    return reverse("person_new", args=[recipient.pk])


def test_a_project_manager_records_a_person_with_their_other_names(client, pm, unit):
    client.force_login(pm)
    assert client.get(_url(unit)).status_code == 200

    response = client.post(_url(unit), FORM)

    person = PersonOfInterest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[person.pk])
    assert (person.recipient, person.birth_year, person.service_number) == (unit, 1971, "DP-4471")
    assert sorted(person.aliases.values_list("name", "note")) == [("Idriss Valémo", ""), ("Идрис Валемо", "Cyrillic")]
    assert AuditEntry.objects.filter(action=AuditAction.SAVE_PERSON, actor=pm).count() == 1


def test_every_problem_shows_at_once_and_nothing_typed_is_lost(client, pm, unit):
    client.force_login(pm)

    response = client.post(_url(unit), {**FORM, "full_name": "", "birth_year": "1970", "birth_date": "1971-04-02",
                                        "service_number": "x" * 101})

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"full_name", "service_number"}
    content = response.content.decode()
    assert "Идрис Валемо | Cyrillic" in content and "1971-04-02" in content
    assert not PersonOfInterest.objects.exists() and not AuditEntry.objects.exists()


def test_the_services_rules_show_beside_their_fields(client, pm, unit):
    client.force_login(pm)

    response = client.post(_url(unit), {**FORM, "birth_year": "1970", "aliases": "y" * 201})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["birth_year"] == ["The year of birth differs from the date of birth."]
    assert "Keep each name to 200 characters" in errors["aliases"][0]
    assert not PersonOfInterest.objects.exists()


def test_a_year_of_birth_out_of_range_is_refused_in_words(client, pm, unit):
    client.force_login(pm)

    response = client.post(_url(unit), {**FORM, "birth_date": "", "birth_year": "9" * 40})

    assert response.status_code == 400
    assert response.context["form"].errors["birth_year"][0].startswith("Give a year between 1900 and")


@pytest.mark.parametrize("who", ["auditor"])
def test_who_reads_but_does_not_record_gets_403(client, request, who, unit):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_url(unit)).status_code == 403
    assert client.post(_url(unit), FORM).status_code == 403
    assert not PersonOfInterest.objects.exists()


def test_a_pm_of_another_country_gets_404(client, outsider, unit):
    client.force_login(outsider)

    assert client.get(_url(unit)).status_code == 404
    assert client.post(_url(unit), FORM).status_code == 404
    assert not PersonOfInterest.objects.exists()


def test_hq_records_in_another_country(client, hq, force_b):
    client.force_login(hq)

    assert client.post(_url(force_b), FORM).status_code == 302
    assert PersonOfInterest.objects.get().recipient == force_b
