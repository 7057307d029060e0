"""Recording and changing a person of interest (register.person_services.person_save): who may, what is checked
(every problem at once, the year of birth filled from the date), the other names replaced as a set, and one
audit entry saying what changed."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import AuditAction, AuditEntry, PersonOfInterest
from register.person_services import person_save
from tests.test_person_helpers import force, force_b, person, unit  # noqa: F401 - fixtures


def _save(by, recipient, person=None, **fields):
    values = {
        "full_name": "Idris Valemo", "rank": "Colonel", "birth_date": None, "birth_year": None, "service_number": "",
        "identifiers": "", "aliases": [],
    } | fields
    return person_save(by=by, person=person, recipient=recipient, **values)


def test_a_project_manager_records_a_person_with_their_names_and_the_year_from_the_date(pm, unit):
    # When a project manager of the country records a person with a date of birth and two other names
    person = _save(pm, unit, birth_date=date(1971, 4, 2), service_number="DP-4471",
                   aliases=["Идрис Валемо", {"name": "Idriss Valémo", "note": "French spelling"}])

    # Then the year is filled from the date, the names are kept, and one audit entry says what was recorded
    assert (person.birth_year, person.service_number) == (1971, "DP-4471")
    assert sorted(person.aliases.values_list("name", "note")) == [("Idriss Valémo", "French spelling"),
                                                                  ("Идрис Валемо", "")]
    entry = AuditEntry.objects.get(action=AuditAction.SAVE_PERSON)
    assert (entry.actor, entry.engagement) == (pm, None)
    assert entry.details["created"] is True and entry.details["person"] == person.pk
    assert entry.details["changed"]["birth_date"] == {"from": "", "to": "1971-04-02"}
    assert sorted(entry.details["aliases_added"]) == ["Idriss Valémo", "Идрис Валемо"]
    assert entry.justification == (
        "Recorded Colonel Idris Valemo as a person of interest of Darvonian Police Force › Rapid Intervention Unit."
    )


def test_a_change_replaces_the_other_names_as_a_set_and_the_entry_names_what_changed(pm, person):
    _save(pm, person.recipient, person, full_name="Tomas Reyl", birth_year=1971, aliases=["Tomás Reyl", "T. Reyl"])

    # When the rank changes, one name is dropped, one kept with a note, and one added
    _save(pm, person.recipient, person, full_name="Tomas Reyl", rank="General", birth_year=1971,
          aliases=[{"name": "Томас Рейл", "note": "Cyrillic"}, {"name": "T. Reyl", "note": "initial"}])

    person.refresh_from_db()
    assert person.rank == "General"
    assert sorted(person.aliases.values_list("name", "note")) == [("T. Reyl", "initial"), ("Томас Рейл", "Cyrillic")]
    entry = AuditEntry.objects.filter(action=AuditAction.SAVE_PERSON).latest("pk")
    assert entry.details["changed"] == {"rank": {"from": "Colonel", "to": "General"}}
    assert (entry.details["aliases_added"], entry.details["aliases_removed"]) == (["Томас Рейл"], ["Tomás Reyl"])
    assert entry.details["aliases_renoted"] == ["T. Reyl"]
    assert entry.justification == "Changed General Tomas Reyl: rank, other names."


def test_saving_what_is_recorded_writes_nothing(pm, person):
    before = AuditEntry.objects.count()

    _save(pm, person.recipient, person, full_name="Tomas Reyl", birth_year=1971)

    assert AuditEntry.objects.count() == before


def test_every_problem_is_reported_at_once_and_nothing_is_written(pm, unit):
    with pytest.raises(ValidationError) as refused:
        _save(pm, unit, full_name="  ", birth_date=date(1971, 4, 2), birth_year=1970, rank="x" * 101,
              aliases=["y" * 201])

    assert set(refused.value.message_dict) == {"full_name", "birth_year", "rank", "aliases"}
    assert refused.value.message_dict["birth_year"] == ["The year of birth differs from the date of birth."]
    assert not PersonOfInterest.objects.exists() and not AuditEntry.objects.exists()


def test_a_year_out_of_range_is_refused_in_words(pm, unit):
    with pytest.raises(ValidationError) as refused:
        _save(pm, unit, birth_year=1850)

    assert refused.value.message_dict["birth_year"][0].startswith("Give a year between 1900 and")


def test_a_new_date_of_birth_brings_its_own_year(pm, person):
    _save(pm, person.recipient, person, full_name="Tomas Reyl", birth_date=date(1971, 1, 1), birth_year=1971)

    # The form still carries the year of the old date
    _save(pm, person.recipient, person, full_name="Tomas Reyl", birth_date=date(1969, 5, 5), birth_year=1971)

    person.refresh_from_db()
    assert (person.birth_date, person.birth_year) == (date(1969, 5, 5), 1969)


def test_the_full_name_and_repeated_names_are_not_kept_as_aliases(pm, unit):
    person = _save(pm, unit, aliases=["idris  valemo", "I. Valemo", "i. valemo"])

    assert list(person.aliases.values_list("name", flat=True)) == ["I. Valemo"]


@pytest.mark.parametrize("who", ["outsider", "auditor"])
def test_who_does_not_record_in_the_country_is_refused(request, who, unit):
    with pytest.raises(PermissionDenied):
        _save(request.getfixturevalue(who), unit)

    assert not PersonOfInterest.objects.exists()


def test_a_person_cannot_be_moved_to_another_countrys_force(pm, person, force_b):
    with pytest.raises(PermissionDenied):
        _save(pm, force_b, person, full_name="Tomas Reyl")

    person.refresh_from_db()
    assert person.recipient.country == "Darvonia"


def test_hq_records_in_every_country(hq, force_b):
    assert _save(hq, force_b).recipient == force_b
