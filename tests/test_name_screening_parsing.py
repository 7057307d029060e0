"""Reading a list of names to screen: pasted (columns split on tabs or semicolons, a comma belonging to the
name, a header row found by its column names, in English or French) or uploaded as CSV or XLSX with a header
row; dates of birth as people write them; every line that cannot be read reported with its number."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from register.screening import MAX_LINES, ListLine, parse_rows, parse_text, parse_upload, read_birth
from tests.test_import_helpers import csv_file, xlsx_file


def test_a_pasted_line_is_name_date_of_birth_unit_and_rank_split_on_semicolons():
    lines = parse_text("LEFEVRE, Etienne; 02/03/1971; 3rd Battalion; Captain\n\n  Amina Diallo ; 1980\n")

    assert lines == [
        ListLine(1, "LEFEVRE, Etienne", date(1971, 3, 2), 1971, "3rd Battalion", "Captain"),
        ListLine(3, "Amina Diallo", None, 1980, "", ""),
    ]


def test_a_copy_from_a_spreadsheet_is_split_on_tabs_and_its_header_row_sets_the_columns():
    # Given a copy of four columns whose header names them in French, in another order
    text = "Grade\tNom\tUnité\tDate de naissance\nCapitaine\tLEFEVRE, Etienne\t3e bataillon\t1971-03-02\n"

    lines = parse_text(text)

    assert lines == [ListLine(2, "LEFEVRE, Etienne", date(1971, 3, 2), 1971, "3e bataillon", "Capitaine")]


def test_a_comma_is_part_of_the_name_unless_a_header_row_is_written_with_commas():
    assert [line.name for line in parse_text("LEFEVRE, Etienne\nDIALLO, Amina")] == ["LEFEVRE, Etienne", "DIALLO, Amina"]

    lines = parse_text('name,date of birth,unit\n"LEFEVRE, Etienne",1971,3rd Battalion\nAmina Diallo,,Kael post')

    assert lines == [
        ListLine(2, "LEFEVRE, Etienne", None, 1971, "3rd Battalion", ""),
        ListLine(3, "Amina Diallo", None, None, "Kael post", ""),
    ]


def test_first_name_and_surname_columns_make_the_name():
    lines = parse_text("Prénom;Nom;Année de naissance\nÉtienne;Lefèvre;1971")

    assert lines == [ListLine(2, "Étienne Lefèvre", None, 1971, "", "")]


def test_a_first_line_that_is_a_person_is_not_taken_for_a_header():
    assert [line.name for line in parse_text("Name Smith; 1970\nAmina Diallo")] == ["Name Smith", "Amina Diallo"]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1971-03-02", (date(1971, 3, 2), 1971)),
        ("02/03/1971", (date(1971, 3, 2), 1971)),
        ("2.3.1971", (date(1971, 3, 2), 1971)),
        ("2 March 1971", (date(1971, 3, 2), 1971)),
        ("1er mars 1971", (date(1971, 3, 1), 1971)),
        ("1971", (None, 1971)),
        ("c. 1971", (None, 1971)),
        (1971, (None, 1971)),
        (datetime(1971, 3, 2), (date(1971, 3, 2), 1971)),
        ("", (None, None)),
    ],
)
def test_a_date_of_birth_is_read_as_people_write_it(written, read):
    assert read_birth(written) == read


@pytest.mark.parametrize(
    ("written", "says"),
    [("31/02/1975", "not a date of the calendar"), ("someday", "cannot be read"), ("1850", "between 1900"),
     ("2999-01-01", "in the future"), ("03/1971", "cannot be read")],
)
def test_a_date_of_birth_that_cannot_be_read_says_why(written, says):
    with pytest.raises(ValueError, match=says):
        read_birth(written)


def test_every_bad_line_is_reported_with_its_number():
    text = "Amina Diallo; 1980\n; 1975; Kael post\n12345\nJosé Ramírez; 1975; x; y\nLe Renard; 31/02/1975\n"

    with pytest.raises(ValidationError) as refused:
        parse_text(text)

    errors = refused.value.message_dict["text"]
    assert errors[:3] == [
        "Line 2: there is no name.",
        "Line 3: “12345” holds no letter: it is not a name.",
        "Line 5: the date of birth “31/02/1975” is not a date of the calendar: write it as 1971-03-02, "
        "02/03/1971 (day first) or the year alone, 1971.",
    ]
    assert errors[-1].startswith("Nothing was screened")


def test_a_year_that_differs_from_the_date_of_birth_is_reported():
    with pytest.raises(ValidationError, match="differs from the date of birth"):
        parse_text("name;date of birth;year of birth\nAmina Diallo;02/03/1971;1972")


def test_control_characters_are_dropped_from_a_pasted_name():
    assert parse_text("Amina\x00 Diallo\u200b")[0].name == "Amina Diallo"


def test_a_list_longer_than_the_limit_is_refused_whole():
    with pytest.raises(ValidationError, match=f"the limit is {MAX_LINES:,}"):
        parse_text("\n".join(f"Person {i} Diallo" for i in range(MAX_LINES + 2)))


def test_a_csv_file_with_a_header_row_is_read_with_the_rows_numbers():
    upload = csv_file(["Full name", "Date of birth", "Unit", "Rank", "Notes"], [
        ["LEFEVRE, Etienne", "02/03/1971", "3rd Battalion", "Captain", "ok"],
        ["", "", "", "", ""],
        ["Amina Diallo", "1980", "", "", ""],
    ], name="trainees.csv")

    read = parse_upload(upload)

    assert read.file_name == "trainees.csv" and read.ignored_columns == ["Notes"]
    assert read.lines == [
        ListLine(2, "LEFEVRE, Etienne", date(1971, 3, 2), 1971, "3rd Battalion", "Captain"),
        ListLine(4, "Amina Diallo", None, 1980, "", ""),
    ]


def test_an_xlsx_file_gives_its_dates_and_years_as_cells():
    upload = xlsx_file(["Nom", "Date de naissance", "Unité", "Grade"], [
        ["Étienne Lefèvre", datetime(1971, 3, 2), "3e bataillon", "Capitaine"],
        ["Amina Diallo", 1980, None, None],
        ["Le Renard", "demain", None, None],
    ])

    with pytest.raises(ValidationError) as refused:
        parse_upload(upload)

    assert refused.value.message_dict["upload"][0].startswith("Row 4: the date of birth “demain” cannot be read")
    upload.seek(0)
    good = xlsx_file(["Nom", "Date de naissance", "Unité", "Grade"], [
        ["Étienne Lefèvre", datetime(1971, 3, 2), "3e bataillon", "Capitaine"], ["Amina Diallo", 1980, None, None],
    ])
    assert parse_upload(good).lines == [
        ListLine(2, "Étienne Lefèvre", date(1971, 3, 2), 1971, "3e bataillon", "Capitaine"),
        ListLine(3, "Amina Diallo", None, 1980, "", ""),
    ]


def test_a_file_whose_first_row_names_no_name_column_is_refused_with_the_names_to_use():
    upload = csv_file(["Amina Diallo", "1980"], [["José Ramírez", "1975"]])

    with pytest.raises(ValidationError, match="none of them is the name") as refused:
        parse_upload(upload)
    assert "“Amina Diallo”" in refused.value.messages[0]


def test_a_file_of_another_kind_is_refused_with_its_kind():
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="Upload a CSV or XLSX file; this is a .pdf file"):
        parse_upload(SimpleUploadedFile("list.pdf", b"%PDF-1.4"))


def test_rows_given_as_dicts_are_read_by_their_column_names():
    lines = parse_rows([{"name": "Amina Diallo", "date of birth": "1980", "unit": "Kael post"}, {"Nom": "Le Renard"}])

    assert lines == [ListLine(1, "Amina Diallo", None, 1980, "Kael post", ""), ListLine(2, "Le Renard")]
