"""Editing a person of interest: the form shows what is recorded (their other names one per line), a save
changes only what was changed and replaces the other names as a set, every problem shows at once; a 404 for
another country, a 403 for who does not record."""

from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry
from register.models import PersonAlias
from tests.pages import form_data
from tests.test_person_helpers import force, person, unit  # noqa: F401 - fixtures


def _url(person):
    return reverse("person_edit", args=[person.pk])


def test_the_form_shows_what_is_recorded_and_a_save_changes_what_was_changed(client, pm, person):
    PersonAlias.objects.create(person=person, name="Tomás Reyl", note="Spanish spelling")
    PersonAlias.objects.create(person=person, name="T. Reyl")
    client.force_login(pm)
    page = client.get(_url(person))
    assert page.status_code == 200
    assert "T. Reyl\nTomás Reyl | Spanish spelling" in page.content.decode()

    # When the project manager changes the rank and replaces one other name by another
    data = form_data(page.content.decode(), changes={"rank": "General", "aliases": "Tomás Reyl | Spanish spelling\nТомас Рейл"})
    response = client.post(_url(person), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.rank == "General" and person.birth_year == 1971
    assert sorted(person.aliases.values_list("name", flat=True)) == ["Tomás Reyl", "Томас Рейл"]
    entry = AuditEntry.objects.get(action=AuditAction.SAVE_PERSON)
    assert set(entry.details["changed"]) == {"rank"}
    assert (entry.details["aliases_added"], entry.details["aliases_removed"]) == (["Томас Рейл"], ["T. Reyl"])


def test_a_bad_save_shows_every_problem_and_keeps_what_was_typed(client, pm, person):
    client.force_login(pm)

    response = client.post(_url(person), {"full_name": "", "rank": "General", "birth_date": "2 April",
                                          "birth_year": "1971", "aliases": "T. Reyl"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"full_name", "birth_date"}
    assert "T. Reyl" in response.content.decode() and "General" in response.content.decode()
    person.refresh_from_db()
    assert person.rank == "Colonel" and not AuditEntry.objects.exists()


def test_an_auditor_gets_403(client, auditor, person):
    client.force_login(auditor)

    assert client.get(_url(person)).status_code == 403
    assert client.post(_url(person), {"full_name": "Renamed"}).status_code == 403


def test_a_pm_of_another_country_gets_404(client, outsider, person):
    client.force_login(outsider)

    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person), {"full_name": "Renamed"}).status_code == 404
    person.refresh_from_db()
    assert person.full_name == "Tomas Reyl"
