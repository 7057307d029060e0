"""Importing persons of interest with their command periods: one row per period, the person's
columns repeated; CommandPeriod.clean's overlap rule against the file and what is recorded."""

from datetime import date

import pytest

from hrddp.models import CommandPeriod, PersonOfInterest, Recipient, RecipientLevel
from register.models import PersonAlias
from tests.test_import_helpers import (
    PERSON_HEADERS,
    PERSON_IDENTITY_HEADERS,
    confirm,
    csv_file,
    dry_run,
    problems_by_row,
    xlsx_file,
)


@pytest.fixture
def police(office_a):
    force = Recipient.objects.create(name="Darvonian Police Force", country="Darvonia", category="police")
    command = Recipient.objects.create(
        name="Esse Province Command", country="Darvonia", category="police", level=RecipientLevel.COMMAND, parent=force
    )
    unit = Recipient.objects.create(
        name="Rapid Intervention Unit", country="Darvonia", category="police", level=RecipientLevel.UNIT, parent=command
    )
    return force, command, unit


def _periods():
    return {
        (p.person.full_name, p.person.rank, p.unit.name, p.position, p.start_date, p.end_date)
        for p in CommandPeriod.objects.select_related("person", "unit")
    }


def test_it_imports_persons_with_their_periods_and_a_person_without_one(pm, police):
    rows = [
        ["Idris Valemo", "Colonel", "Darvonian Police Force", "", "Commander of Esse Province", "Esse Province Command",
         "2024-01-15", ""],
        ["Idris Valemo", "Colonel", "Darvonian Police Force", "", "Deputy commander", "Rapid Intervention Unit",
         "2021-03-01", "2023-12-31"],
        ["Tomas Reyl", "Major", "Esse Province Command › Rapid Intervention Unit",
         "Томас Рейл; T. Reyl | Tomás Reyl", "", "", "", ""],
    ]
    # given a file with two periods of one person and a person with none (as XLSX, dates as text)
    outcome = dry_run("persons", pm, xlsx_file(PERSON_HEADERS, rows))
    assert [row.result for row in outcome.rows] == ["new", "new", "new"]
    assert not PersonOfInterest.objects.exists()

    done = confirm(pm, outcome)

    # then two persons, one of them with both periods
    assert done.imported
    assert PersonOfInterest.objects.count() == 2
    assert _periods() == {
        ("Idris Valemo", "Colonel", "Esse Province Command", "Commander of Esse Province", date(2024, 1, 15), None),
        ("Idris Valemo", "Colonel", "Rapid Intervention Unit", "Deputy commander", date(2021, 3, 1), date(2023, 12, 31)),
    }
    reyl = PersonOfInterest.objects.get(full_name="Tomas Reyl")
    assert reyl.recipient == police[2]
    assert sorted(reyl.aliases.values_list("name", flat=True)) == ["T. Reyl", "Tomás Reyl", "Томас Рейл"]


def test_it_imports_nothing_when_one_row_is_bad(pm, police):
    rows = [
        ["Idris Valemo", "Colonel", "Darvonian Police Force", "", "Commander", "Esse Province Command", "2024-01-15", ""],
        ["Lena Ostrava", "Captain", "Darvonian Police Force", "", "Commander", "Rapid Intervention Unit", "15/01/2024", ""],
        ["Jonas Pell", "", "Darvonian Police Force", "", "", "", "", ""],
    ]
    outcome = dry_run("persons", pm, csv_file(PERSON_HEADERS, rows))

    assert problems_by_row(outcome) == {
        3: ["Start date: Give the date as YYYY-MM-DD, e.g. 2026-03-14 (not “15/01/2024”)."]
    }
    assert outcome.token == ""
    assert not PersonOfInterest.objects.exists() and not CommandPeriod.objects.exists()


def test_a_date_written_right_that_does_not_exist_is_named_as_such(pm, police):
    rows = [
        ["Idris Valemo", "Colonel", "Darvonian Police Force", "", "Commander", "Esse Province Command", "2026-02-30", ""],
        ["Lena Ostrava", "Captain", "Darvonian Police Force", "", "Commander", "Rapid Intervention Unit", "2026-13-01", ""],
    ]
    outcome = dry_run("persons", pm, csv_file(PERSON_HEADERS, rows))

    assert problems_by_row(outcome) == {
        2: ["Start date: 2026-02-30 does not exist: February 2026 has no day 30."],
        3: ["Start date: There is no month 13: “2026-13-01” is not a date (YYYY-MM-DD)."],
    }
    assert not PersonOfInterest.objects.exists()


def test_overlapping_periods_over_one_unit_are_refused_in_the_file_and_against_the_record(pm, police):
    force, command, unit = police
    # given a recorded period of Reyl over the unit, still held
    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Major", recipient=unit)
    CommandPeriod.objects.create(person=reyl, unit=unit, position="Unit commander", start_date=date(2022, 1, 1))
    rows = [
        ["Tomas Reyl", "", "Rapid Intervention Unit", "", "Deputy", "Rapid Intervention Unit", "2024-05-01", ""],
        ["Idris Valemo", "", "Darvonian Police Force", "", "Commander", "Esse Province Command", "2020-01-01", "2023-06-30"],
        ["Idris Valemo", "", "Darvonian Police Force", "", "Acting commander", "Esse Province Command", "2023-06-01", ""],
        ["Idris Valemo", "", "Darvonian Police Force", "", "Commander", "Rapid Intervention Unit", "2023-07-01", ""],
        ["Idris Valemo", "", "Darvonian Police Force", "", "Commander", "Esse Province Command", "2024-01-01", "2023-01-01"],
    ]
    outcome = dry_run("persons", pm, csv_file(PERSON_HEADERS, rows))

    assert problems_by_row(outcome) == {
        2: ["This person already holds a position over this unit in that period "
            "(recorded: Unit commander, 2022-01-01 to now)."],
        4: ["This person already holds a position over this unit in that period (row 3)."],
        6: ["End date: A command period cannot end before it starts."],
    }


def test_a_recorded_person_is_updated_and_an_empty_cell_keeps_what_is_recorded(pm, police):
    force, command, unit = police
    reyl = PersonOfInterest.objects.create(
        full_name="Tomas Reyl", rank="Major", recipient=unit, service_number="DP-4471"
    )
    period = CommandPeriod.objects.create(person=reyl, unit=unit, position="Unit commander", start_date=date(2022, 1, 1))
    # when a file gives him a new rank, closes his period and leaves his service number empty
    rows = [["tomas reyl", "Colonel", "Esse Province Command › Rapid Intervention Unit", "", "Unit commander",
             "Rapid Intervention Unit", "2022-01-01", "2025-12-31"]]
    outcome = dry_run("persons", pm, csv_file(PERSON_HEADERS, rows))
    assert [row.result for row in outcome.rows] == ["update"]
    assert confirm(pm, outcome).imported

    reyl.refresh_from_db()
    period.refresh_from_db()
    assert (reyl.rank, reyl.service_number) == ("Colonel", "DP-4471")
    assert period.end_date == date(2025, 12, 31)
    assert PersonOfInterest.objects.count() == 1 and CommandPeriod.objects.count() == 1


def test_a_person_repeated_with_another_rank_is_an_error(pm, police):
    rows = [
        ["Idris Valemo", "Colonel", "Darvonian Police Force", "", "Commander", "Esse Province Command", "2024-01-15", ""],
        ["Idris Valemo", "General", "Darvonian Police Force", "", "Deputy", "Rapid Intervention Unit", "2020-01-15",
         "2021-01-01"],
    ]
    outcome = dry_run("persons", pm, csv_file(PERSON_HEADERS, rows))
    assert problems_by_row(outcome) == {3: ["Rank: Row 2 gives this person's rank differently."]}


def test_a_person_of_another_countrys_force_cannot_be_imported(outsider, police):
    # given the project manager of Meridia, importing a person of the Darvonian police
    rows = [["Idris Valemo", "Colonel", "Darvonian Police Force", "", "", "", "", ""]]
    outcome = dry_run("persons", outsider, csv_file(PERSON_HEADERS, rows))

    # then the row is refused as if the force did not exist for them
    assert problems_by_row(outcome) == {
        2: ["Recipient: No force, command or unit called “Darvonian Police Force” in Meridia."]
    }


# --- What tells a person apart --------------------------------------------------------------------------

HEADERS = PERSON_HEADERS + PERSON_IDENTITY_HEADERS


def _row(name="Idris Valemo", aliases="", born="", year="", service="", identifiers="", recipient="Darvonian Police Force"):
    return [name, "Colonel", recipient, aliases, "", "", "", "", born, year, service, identifiers]


def test_a_person_imports_with_their_birth_service_number_and_identifiers(pm, police):
    outcome = dry_run("persons", pm, csv_file(HEADERS, [
        _row(born="1971-04-02", service="DP-4471", identifiers="Father's name: Ilyas"),
        _row(name="Lena Ostrava", year="1980"),
    ]))

    assert confirm(pm, outcome).imported
    valemo = PersonOfInterest.objects.get(full_name="Idris Valemo")
    assert (valemo.birth_date, valemo.birth_year, valemo.service_number, valemo.identifiers) == (
        date(1971, 4, 2), 1971, "DP-4471", "Father's name: Ilyas"
    )
    assert PersonOfInterest.objects.get(full_name="Lena Ostrava").birth_year == 1980


def test_a_year_that_differs_from_the_date_or_is_not_a_year_is_reported_on_its_row(pm, police):
    outcome = dry_run("persons", pm, csv_file(HEADERS, [
        _row(born="1971-04-02", year="1970"),
        _row(name="Lena Ostrava", year="80"),
        _row(name="Jonas Pell", year="1850"),
    ]))

    assert problems_by_row(outcome) == {
        2: ["Year of birth: The year of birth differs from the date of birth."],
        3: ["Year of birth: Give the year as four digits, e.g. 1971 (not “80”)."],
        4: [f"Year of birth: Give a year between 1900 and {date.today().year}."],
    }
    assert outcome.token == "" and not PersonOfInterest.objects.exists()


def test_aliases_are_added_to_those_recorded_and_a_new_date_brings_its_year(pm, police):
    force = police[0]
    valemo = PersonOfInterest.objects.create(full_name="Idris Valemo", recipient=force, birth_date=date(1970, 1, 1),
                                             birth_year=1970)
    PersonAlias.objects.create(person=valemo, name="Идрис Валемо")
    # when a file names him again with one name recorded (in other case) and one new, and a corrected date
    outcome = dry_run("persons", pm, csv_file(HEADERS, [_row(aliases="идрис валемо | Idriss Valémo", born="1971-04-02")]))
    assert [row.result for row in outcome.rows] == ["update"]

    done = confirm(pm, outcome)

    assert done.imported and done.extra == {"aliases_added": 1}
    valemo.refresh_from_db()
    assert sorted(valemo.aliases.values_list("name", flat=True)) == ["Idriss Valémo", "Идрис Валемо"]
    assert (valemo.birth_date, valemo.birth_year) == (date(1971, 4, 2), 1971)


def test_a_recorded_person_given_only_names_recorded_already_is_unchanged(pm, police):
    valemo = PersonOfInterest.objects.create(full_name="Idris Valemo", rank="Colonel", recipient=police[0])
    PersonAlias.objects.create(person=valemo, name="I. Valemo")

    outcome = dry_run("persons", pm, csv_file(HEADERS, [_row(aliases="I. Valemo; Idris Valemo")]))

    assert [row.result for row in outcome.rows] == ["unchanged"]


def test_an_alias_too_long_is_reported_on_its_row(pm, police):
    outcome = dry_run("persons", pm, csv_file(HEADERS, [_row(aliases="x" * 201)]))

    [problem] = problems_by_row(outcome)[2]
    assert problem.startswith("Aliases: Keep each name to 200 characters")


def test_a_file_with_the_old_allegations_column_is_refused_saying_where_allegations_go(pm, police):
    headers = ["Full name", "Rank", "Recipient", "Substantiated allegations"]

    outcome = dry_run("persons", pm, csv_file(headers, [["Idris Valemo", "", "Darvonian Police Force", "Killings"]]))

    assert "“Substantiated allegations” is no longer imported with persons" in outcome.problem
    assert outcome.token == "" and not PersonOfInterest.objects.exists()
