"""The name index of a country's persons of interest is built in a constant number of queries, kept between
screenings, and built again when a person, a name of theirs or a recipient's country changes (the version is
in the database, shared by every process), or after an import."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrddp.models import PersonOfInterest
from register import screening_index
from register.models import NameIndexVersion, PersonAlias
from register.screening import name_screening_run
from tests.factories import RecipientFactory, SupportActivityFactory
from tests.test_import_helpers import RECIPIENT_HEADERS, confirm, csv_file, dry_run

COUNTRY = "Darvonia"


@pytest.fixture
def activity(engagement):
    return SupportActivityFactory(engagement=engagement)


def _persons(recipient, count):
    for i in range(count):
        person = PersonOfInterest.objects.create(full_name=f"Person{i} Kabore{i}", recipient=recipient, birth_year=1970)
        PersonAlias.objects.create(person=person, name=f"Alias{i} Ouedraogo{i}")


def _screen(pm, activity, text):
    with CaptureQueriesContext(connection) as queries:
        screening = name_screening_run(by=pm, activity=activity, title="Trainees", text=text)
    return screening, [q["sql"] for q in queries.captured_queries]


def _built(sql: list[str]) -> bool:
    return any('FROM "register_personalias"' in q for q in sql)


@pytest.mark.parametrize("count", [3, 30])
def test_building_the_index_takes_the_same_queries_whatever_the_number_of_persons(engagement, count, django_assert_num_queries):
    _persons(engagement.recipient, count)
    version = screening_index.current_version(COUNTRY)

    with django_assert_num_queries(2):
        index = screening_index.build(COUNTRY, version)

    assert len(index.persons) == count and len(index.names) == count


def test_a_second_screening_builds_no_index_and_a_change_builds_it_once_more(pm, activity, engagement):
    # Given a first screening of the country, which built its index
    _persons(engagement.recipient, 5)
    _, first = _screen(pm, activity, "Person1 Kabore1")
    assert _built(first)

    # When a second list is screened, the index is not built again
    screening, second = _screen(pm, activity, "Alias2 Ouedraogo2")
    assert not _built(second)
    assert screening.lines.get().result == "possible"

    # And once a person is added, the next screening builds it again: two queries more, no more
    _persons(engagement.recipient, 1)
    _, third = _screen(pm, activity, "Alias2 Ouedraogo2")
    assert _built(third) and len(third) == len(second) + 2


def test_a_person_added_after_a_screening_is_found_by_the_next(pm, activity, engagement):
    _screen(pm, activity, "Étienne Lefèvre")
    person = PersonOfInterest.objects.create(full_name="Étienne Lefèvre", recipient=engagement.recipient)

    screening, sql = _screen(pm, activity, "Étienne Lefèvre")

    assert _built(sql) and screening.lines.get().person == person


def test_an_alias_added_or_a_name_changed_is_found_by_the_next_screening(pm, activity, engagement):
    person = PersonOfInterest.objects.create(full_name="Idris Valemo", recipient=engagement.recipient)
    _screen(pm, activity, "Le Renard")

    PersonAlias.objects.create(person=person, name="Le Renard")
    assert _screen(pm, activity, "Le Renard")[0].lines.get().person == person

    person.full_name = "Idriss Valemo-Kante"
    person.save()
    assert _screen(pm, activity, "Idriss Valemo-Kante")[0].lines.get().candidates[0]["matched_name"] == "Idriss Valemo-Kante"


def test_a_person_deleted_or_moved_to_another_country_leaves_the_index(pm, activity, engagement):
    gone = PersonOfInterest.objects.create(full_name="Tomas Reyl", recipient=engagement.recipient)
    moved = PersonOfInterest.objects.create(full_name="Marta Oyelaran", recipient=engagement.recipient)
    _screen(pm, activity, "Idris Valemo")  # the index holds both; a person kept in a screening is never deleted

    gone.delete()
    moved.recipient = RecipientFactory(country="Meridia")
    moved.save()

    screening, _ = _screen(pm, activity, "Tomas Reyl\nMarta Oyelaran")
    assert [line.result for line in screening.lines.all()] == ["clear", "clear"]


def test_a_recipient_moved_to_another_country_takes_its_persons_with_it(pm, activity, engagement):
    unit = RecipientFactory(country=COUNTRY)
    PersonOfInterest.objects.create(full_name="Tomas Reyl", recipient=unit)
    assert _screen(pm, activity, "Tomas Reyl")[0].lines.get().result == "possible"

    unit.country = "Meridia"
    unit.save()

    assert _screen(pm, activity, "Tomas Reyl")[0].lines.get().result == "clear"


def test_the_version_is_kept_in_the_database_and_changes_with_each_write(engagement):
    before = screening_index.current_version(COUNTRY)
    PersonOfInterest.objects.create(full_name="Tomas Reyl", recipient=engagement.recipient)

    after = NameIndexVersion.objects.get(country=COUNTRY).version
    assert after != before and screening_index.current_version(COUNTRY) == after


def test_an_import_of_recipients_renews_the_version_of_the_importers_countries(pm, engagement):
    before = screening_index.current_version(COUNTRY)

    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, [["Kael Border Post", COUNTRY, "border_customs", "unit", engagement.recipient.name]]))
    assert confirm(pm, outcome).imported

    assert screening_index.current_version(COUNTRY) != before


def test_a_process_keeps_a_few_countries_indexes_at_most(engagement):
    for n in range(screening_index.KEEP + 2):
        screening_index.index_for(f"Country {n}")
    assert len(screening_index._kept) == screening_index.KEEP


def test_after_a_bulk_write_every_countrys_version_is_renewed(engagement, engagement_b):
    before = {c: screening_index.current_version(c) for c in (COUNTRY, "Meridia")}

    screening_index.bump_all()

    assert all(screening_index.current_version(c) != version for c, version in before.items())
