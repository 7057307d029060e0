"""The screening of names asks the database the same number of times whatever the length of the list (the
index built once, what is known against the persons read in two queries, the lines written in one bulk
insert), and its pages the same whatever the number of lines or screenings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp.models import PersonOfInterest
from interventions.exclusions import exclusion_record
from register.models import NameScreening, PersonAlias
from register.screening import name_screening_run, screening_line_resolve
from register.services import allegation_record
from tests.factories import SupportActivityFactory

GIVEN = ["Amadou", "Ibrahim", "Fatima", "Moussa", "Aminata", "Oumar", "Salif", "Mariam", "Boubacar", "Awa"]
SURNAMES = ["Kaboré", "Ouédraogo", "Traoré", "Diallo", "Sawadogo", "Compaoré", "Zongo", "Coulibaly"]


@pytest.fixture
def activity(engagement):
    return SupportActivityFactory(engagement=engagement)


@pytest.fixture
def register_of_persons(pm, com, engagement):
    """40 persons of interest with an alias each; some excluded, some with an allegation."""
    persons = []
    for i in range(40):
        person = PersonOfInterest.objects.create(
            full_name=f"{GIVEN[i % 10]} {SURNAMES[i % 8]}{'' if i < 10 else f'-{chr(97 + i % 26)}{i}'}",
            recipient=engagement.recipient, birth_year=1960 + i,
        )
        PersonAlias.objects.create(person=person, name=f"{SURNAMES[i % 8]} {GIVEN[i % 10]}ou")
        persons.append(person)
    for person in persons[:3]:
        exclusion_record(engagement=engagement, by=com, reason="Kael killings", person=person)
    for person in persons[3:6]:
        allegation_record(by=pm, person=person, category="gross_violations", summary="Beat detainees.")
    return persons


def _list(size: int) -> str:
    """Names of the register written otherwise (order, accents, a year) and unrelated names, in turn."""
    lines = []
    for i in range(size):
        given, surname = GIVEN[i % 10], SURNAMES[(i * 3) % 8]
        if i % 3 == 0:
            lines.append(f"{surname.upper()}, {given}; {1960 + i % 40}; Unit {i}; Sergeant")
        elif i % 3 == 1:
            lines.append(f"{given} {surname}")
        else:
            lines.append(f"Zebulon{i} Xanthopoulos{i}; 1985")
    return "\n".join(lines)


def _count(callable_) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries.captured_queries), [q["sql"] for q in queries.captured_queries]


def _screen(pm, activity, size):
    return name_screening_run(by=pm, activity=activity, title=f"{size} names", text=_list(size))


def test_screening_5_or_50_lines_takes_the_same_queries_index_build_included(
    pm, activity, register_of_persons, django_assert_max_num_queries
):
    # Given the queries of a first screening of 5 lines (which builds the country's index)
    small, _ = _count(lambda: _screen(pm, activity, 5))
    PersonOfInterest.objects.create(full_name="New Person", recipient=activity.engagement.recipient)  # built again

    # Then a first screening of 50 lines takes no more
    with django_assert_max_num_queries(small):
        screening = _screen(pm, activity, 50)
    assert screening.lines.count() == 50 and screening.lines.filter(result="flagged").exists()


def test_on_sqlite_a_longer_list_adds_only_the_batches_of_its_bulk_insert(pm, activity, register_of_persons):
    small, small_sql = _count(lambda: _screen(pm, activity, 5))
    PersonOfInterest.objects.create(full_name="New Person", recipient=activity.engagement.recipient)  # built again
    large, large_sql = _count(lambda: _screen(pm, activity, 300))

    def not_line_inserts(sql):
        return [q for q in sql if not q.startswith('INSERT INTO "register_namescreeningline"')]

    # SQLite takes 999 values a statement (16 columns: 62 lines); PostgreSQL all the lines in one
    assert len(not_line_inserts(large_sql)) == len(not_line_inserts(small_sql))
    inserts = len(large_sql) - len(not_line_inserts(large_sql))
    most = connection.features.max_query_params
    assert inserts == (1 if most is None else -(-300 // (most // 16)))
    assert NameScreening.objects.get(title="300 names").lines.count() == 300


@pytest.fixture
def two_screenings(pm, activity, register_of_persons):
    small, large = _screen(pm, activity, 5), _screen(pm, activity, 50)
    for screening in (small, large):
        for line in screening.lines.exclude(result="clear")[:3]:
            screening_line_resolve(by=pm, line=line, decision="not_same_person", reason="Another unit.")
    return small, large


@pytest.mark.parametrize("page", ["name_screening_detail", "name_screening_export"])
def test_a_screenings_page_and_csv_take_the_same_queries_for_5_or_50_lines(
    client, pm, engagement, two_screenings, page, django_assert_max_num_queries
):
    client.force_login(pm)
    small, large = two_screenings
    client.get(reverse(page, args=[engagement.pk, small.pk]))  # the session and the user's roles, once
    count, _ = _count(lambda: client.get(reverse(page, args=[engagement.pk, small.pk]) + "?show=all"))

    with django_assert_max_num_queries(count):
        response = client.get(reverse(page, args=[engagement.pk, large.pk]) + "?show=all")
    assert response.status_code == 200


def test_the_list_of_screenings_takes_the_same_queries_for_1_or_6_screenings(
    client, pm, activity, engagement, register_of_persons, django_assert_max_num_queries
):
    client.force_login(pm)
    _screen(pm, activity, 5)
    url = reverse("name_screening_list", args=[engagement.pk])
    client.get(url)
    count, _ = _count(lambda: client.get(url))
    for _ in range(5):
        _screen(pm, SupportActivityFactory(engagement=engagement), 5)

    with django_assert_max_num_queries(count):
        assert client.get(url).status_code == 200
