"""An upload cannot exhaust the server, and any file gets a clear message: XLSX bombs (millions of rows, 16,384
columns, a shared string of hundreds of megabytes) are refused in seconds and little memory, before or while they
are parsed; a broken workbook is refused with what is wrong; the caps on rows, columns and cell length name the
cap and the row; an upload past its size cap is stopped while it arrives.

The files are built here (tests/upload_files.py); none is a binary fixture. Time and peak memory are measured in a
fresh process with getrusage's ru_maxrss (it counts what zlib, libxml2 and expat allocate, which tracemalloc does
not see). The bounds (5 s, 300 MB) are the issue's own; the refusals take well under a second.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from common.tabular.file_limits import UnreadableFile
from common.tabular.file_table import read_table
from hrddp.models import AuditEntry, Recipient
from tests import upload_files as files
from tests.test_import_helpers import RECIPIENT_HEADERS, csv_bytes

SECONDS, EXTRA_MB = 5, 300
# What the archive checks refuse before anything is parsed; switched off, the parsing itself must hold.
ARCHIVE_CAPS_OFF = {"IMPORT_MAX_UNCOMPRESSED_BYTES": 2**31, "IMPORT_MAX_COMPRESSION_RATIO": 10**6}

BOMBS = {
    "row bomb": (files.row_bomb, "Row 20,002 is past the limit of 20,000 rows below the column names"),
    "column bomb": (files.column_bomb, "Row 2 has more than 60 cells; the limit is 60 columns."),
    "giant shared string": (
        files.shared_string_bomb,
        "The workbook would expand to more than 100 MB when opened (its part “xl/sharedStrings.xml” alone is "
        "286.1 MB); the limit is 100 MB.",
    ),
}


def _refused(content: bytes, file_format: str = "xlsx") -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_table(content, file_format=file_format)
    return str(refused.value)


def _upload(client, content: bytes, name: str = "rows.xlsx", kind: str = "recipients"):
    return client.post(reverse("import_upload"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


# --- The three bombs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_each_xlsx_bomb_is_refused_within_five_seconds_and_300_mb(bomb):
    build, message = BOMBS[bomb]
    content = build()
    assert len(content) < 10 * 1024 * 1024  # an upload the size cap lets through

    found = files.measure_reading(content, "xlsx")

    assert found.get("refused", "").startswith(message), found
    assert found["seconds"] < SECONDS and found["extra_mb"] < EXTRA_MB, found


@pytest.mark.parametrize(
    "bomb, message",
    [
        ("row bomb", "Row 20,002 is past the limit of 20,000 rows"),
        ("column bomb", "Row 2 has more than 60 cells"),
        (
            "giant shared string",
            "The workbook holds a text of more than 10,000,000 characters in its table of texts (xl/sharedStrings.xml)",
        ),
    ],
)
def test_with_the_archive_caps_off_the_parsing_still_refuses_each_bomb_in_bounds(bomb, message):
    # given a server whose caps on the archive would let every bomb through to the parser
    found = files.measure_reading(BOMBS[bomb][0](), "xlsx", settings=ARCHIVE_CAPS_OFF)

    assert found.get("refused", "").startswith(message), found
    assert found["seconds"] < SECONDS and found["extra_mb"] < EXTRA_MB, found


def test_a_row_bomb_through_the_import_page_is_a_field_error_and_an_audit_entry(client, pm):
    client.force_login(pm)

    response = _upload(client, files.row_bomb(), name="units.xlsx")

    assert response.status_code == 400  # the form page again, with the file's error
    assert "Row 20,002 is past the limit of 20,000 rows below the column names" in response.content.decode()
    entry = AuditEntry.objects.get()
    assert entry.action == "import_recipients_dry_run" and "Row 20,002 is past the limit" in entry.justification
    assert not Recipient.objects.exists()


def test_a_dimension_claiming_every_cell_is_not_trusted():
    # given a small sheet whose <dimension> says A1:XFD1048576
    content = files.xlsx_of_rows(files.HEADERS, files.ROWS, dimension="A1:XFD1048576")

    table = read_table(content, file_format="xlsx")

    # then its two rows are read as they are, not padded to 16,384 columns and a million rows
    assert [number for number, _ in table.rows] == [2, 3]
    assert all(len(cells) <= len(files.HEADERS) for _, cells in table.rows)


def test_blank_formatted_cells_past_the_last_column_are_ignored():
    # given a row whose last cell is a formatted, empty one in column XFD
    row = files.row_xml(2, files.ROWS[0]).removesuffix(b"</row>") + b'<c r="XFD2" s="0"/></row>'
    sheet = files.sheet_xml([files.row_xml(1, files.HEADERS), row])

    [(number, cells)] = read_table(files.xlsx_package(sheet), file_format="xlsx").rows

    # then the row is read up to the last column allowed, not padded out to 16,384 cells
    assert number == 2 and cells[:4] == files.ROWS[0][:4]
    assert len(cells) == 60 and not any(cells[4:])


# --- Broken workbooks ---------------------------------------------------------------------------------------


def _docx() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return stream.getvalue()


BROKEN = {
    "truncated": (files.truncated_xlsx, "It is damaged or incomplete (cut short while it was downloaded or copied?)"),
    "zip, not a workbook": (files.zip_not_a_workbook, "It is a ZIP archive, but it holds no workbook."),
    "word document": (_docx, "This is a Word document (.docx), not an XLSX workbook."),
    "corrupt data": (files.xlsx_with_corrupt_data, "It is damaged or incomplete"),
    "corrupt xml": (files.xlsx_with_corrupt_xml, "The workbook is damaged: its first sheet is not well-formed XML"),
    "encrypted": (files.encrypted_workbook, "The workbook is protected with a password, so it cannot be read."),
    "xls renamed": (files.xls_workbook, "This is an Excel 97-2003 workbook (.xls) named .xlsx."),
    "empty": (lambda: b"", "The file is empty."),
    "pdf renamed": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "This is a PDF document."),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_workbook_is_refused_on_the_page_with_what_is_wrong_and_recorded(client, pm, kind):
    build, message = BROKEN[kind]
    client.force_login(pm)

    response = _upload(client, build(), name="units.xlsx")

    # then the upload page comes back with the reason under the file field, never a server error
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file_error"' in page
    assert message in page
    # and the attempt is in the audit trail, with nothing imported and no file kept for a confirm
    entry = AuditEntry.objects.get()
    assert entry.action == "import_recipients_dry_run" and message in entry.justification
    assert entry.details["sha256"] and entry.details["rows"] == 0
    assert not Recipient.objects.exists() and 'name="token"' not in page


def test_a_workbook_whose_xml_declares_entities_is_refused():
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        f'<worksheet xmlns="{files.MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c>'
        "</row></sheetData></worksheet>"
    ).encode()

    assert "holds a document type declaration (<!DOCTYPE>)" in _refused(files.xlsx_package(sheet))


# --- The archive's caps -----------------------------------------------------------------------------------


def test_a_part_larger_than_the_cap_is_refused_from_its_declared_size(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    rows = [files.row_xml(n, [f"Unit {n}", "Darvonia", "police", "unit", f"Command {n % 7}"]) for n in range(2, 20_000)]

    message = _refused(files.xlsx_package(files.sheet_xml([files.row_xml(1, files.HEADERS), *rows])))

    assert message.startswith("The workbook would expand to more than 1 MB when opened (its part “xl/worksheets/")
    assert message.endswith("the limit is 1 MB. Split it into smaller files.")


def test_a_part_compressed_past_the_ratio_is_taken_for_a_bomb():
    padding = b" " * (20 * 1024 * 1024)  # 20 MB of spaces compress about a thousand times
    sheet = files.sheet_xml([files.row_xml(1, files.HEADERS), padding, files.row_xml(2, files.ROWS[0])])

    message = _refused(files.xlsx_package(sheet))

    assert "The workbook's part “xl/worksheets/sheet1.xml” is compressed " in message
    assert "the limit is 100 to 1, beyond which a file is taken for a compression bomb." in message


def test_a_part_whose_declared_size_lies_is_refused_as_damaged():
    # given a 300 MB shared string whose directory entry says 1,000 bytes
    content = files.shared_string_bomb(declared_size=1_000)

    assert "It is damaged or incomplete" in _refused(content)


def test_a_part_describing_the_workbook_is_held_to_its_own_cap(settings):
    settings.IMPORT_MAX_PART_BYTES = 2_000
    styles = files.STYLES.replace(b"</styleSheet>", b" " * 3_000 + b"</styleSheet>")
    content = files.xlsx_package(files.sheet_xml([files.row_xml(1, files.HEADERS)]), styles=styles)

    assert _refused(content).startswith(
        "The workbook's part “xl/styles.xml” is 4 KB; the limit for that part is 2 KB (a genuine workbook needs far less)."
    )


def test_an_archive_with_more_parts_than_the_cap_is_refused(settings):
    settings.IMPORT_MAX_ARCHIVE_MEMBERS = 5
    content = files.xlsx_package(files.sheet_xml([files.row_xml(1, files.HEADERS)]), extra={"docProps/a.xml": b"<a/>"})

    assert "It holds 7 parts; the limit is 5" in _refused(content)


def test_a_part_compressed_with_a_method_spreadsheets_do_not_use_is_refused():
    content = files.xlsx_package(files.sheet_xml([files.row_xml(1, files.HEADERS)]), compression=zipfile.ZIP_BZIP2)

    assert "is compressed with a method spreadsheets do not use" in _refused(content)


# --- The caps on rows, columns and cells name the cap and the row ------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_rows_past_the_cap_are_refused_naming_the_cap_and_the_row(settings, file_format):
    settings.IMPORT_MAX_ROWS = 5
    rows = [[f"Unit {n}", "Darvonia", "police", "unit", ""] for n in range(10)]
    content = csv_bytes(RECIPIENT_HEADERS, rows) if file_format == "csv" else files.xlsx_of_rows(RECIPIENT_HEADERS, rows)

    assert _refused(content, file_format).startswith(
        "Row 7 is past the limit of 5 rows below the column names: split the file into smaller files."
    )


def test_blank_lines_count_towards_the_row_cap(settings):
    # a CSV of blank lines is read quickly and refused at the cap, not after millions of lines
    content = b"Name\n" + b"\n" * 1_000_000 + b"Police\n"

    assert _refused(content, "csv").startswith("Row 20,002 is past the limit of 20,000 rows")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_value_past_the_last_column_allowed_is_refused_naming_the_row_and_the_column(file_format):
    wide = files.ROWS[0] + [""] * 55 + ["stray"]  # column 61, BI
    if file_format == "csv":
        content = csv_bytes(RECIPIENT_HEADERS, [files.ROWS[1], wide])
    else:
        content = files.xlsx_of_rows(RECIPIENT_HEADERS, [files.ROWS[1], wide])

    assert _refused(content, file_format).startswith(
        "Row 3 has a value in column BI (column 61); the limit is 60 columns (A to BH)."
    )


def test_empty_columns_past_the_last_one_allowed_are_no_problem():
    content = csv_bytes(RECIPIENT_HEADERS, [files.ROWS[0] + [""] * 100])

    [(number, cells)] = read_table(content, file_format="csv").rows

    assert number == 2 and cells[:5] == files.ROWS[0] and len(cells) == 60 and not any(cells[5:])


def test_a_row_of_more_cells_than_the_columns_allowed_is_refused_with_its_count():
    cells = b"".join(b'<c r="A2" s="0"/>' for _ in range(70))
    sheet = files.sheet_xml([files.row_xml(1, files.HEADERS), b'<row r="2">' + cells + b"</row>"])

    assert _refused(files.xlsx_package(sheet)).startswith("Row 2 has 70 cells; the limit is 60 columns.")


@pytest.mark.parametrize("where", ["csv", "xlsx inline string", "xlsx shared string"])
def test_a_cell_longer_than_the_cap_is_refused_naming_the_row_the_column_and_the_cap(settings, where):
    settings.IMPORT_MAX_CELL_CHARS = 100
    long = "x" * 101
    if where == "csv":
        content, file_format = csv_bytes(RECIPIENT_HEADERS, [files.ROWS[0], ["Unit", long]]), "csv"
    elif where == "xlsx inline string":
        content, file_format = files.xlsx_of_rows(RECIPIENT_HEADERS, [files.ROWS[0], ["Unit", long]]), "xlsx"
    else:
        strings = f'<sst xmlns="{files.MAIN}"><si><t>Unit</t></si><si><t>{long}</t></si></sst>'.encode()
        rows = [
            files.row_xml(1, RECIPIENT_HEADERS), files.row_xml(2, files.ROWS[0]),
            b'<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c></row>',
        ]
        content, file_format = files.xlsx_package(files.sheet_xml(rows), shared_strings=strings), "xlsx"

    assert _refused(content, file_format) == "Row 3, column B holds 101 characters; the limit is 100 characters in a cell."


def test_a_shared_string_longer_than_the_cap_costs_only_its_length_when_no_row_uses_it(settings):
    settings.IMPORT_MAX_CELL_CHARS = 100
    strings = f'<sst xmlns="{files.MAIN}"><si><t>{"x" * 5_000}</t></si><si><t>Police</t></si></sst>'.encode()
    rows = [files.row_xml(1, ["Name"]), b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>']

    table = read_table(files.xlsx_package(files.sheet_xml(rows), shared_strings=strings), file_format="xlsx")

    assert table.rows == [(2, ["Police"])]


def test_more_shared_strings_than_the_rows_and_columns_allowed_could_use_are_refused(settings):
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS = 2, 2
    strings = f'<sst xmlns="{files.MAIN}">{"".join(f"<si><t>{n}</t></si>" for n in range(5))}</sst>'.encode()

    message = _refused(files.xlsx_package(files.sheet_xml([files.row_xml(1, ["Name"])]), shared_strings=strings))

    assert message.startswith("The workbook holds more than 4 different texts, more than 2 rows of 2 columns can use.")


# --- The upload's own size ----------------------------------------------------------------------------------


@pytest.fixture
def stored_bytes(monkeypatch):
    """How many bytes of the upload reached the handler that keeps a file on disk."""
    received = []
    keep = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        received.append(len(raw_data))
        return keep(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    return lambda: sum(received)


def test_an_upload_larger_than_the_cap_is_refused_before_it_is_kept(client, pm, stored_bytes):
    client.force_login(pm)

    response = _upload(client, b"x" * (31 * 1024 * 1024), name="units.csv")

    assert response.status_code == 400
    assert "The file is 31 MB; the limit is 10 MB. Split it into smaller files." in response.content.decode()
    # the request announced more than the cap: none of the file was kept, in memory or on disk
    assert stored_bytes() == 0
    entry = AuditEntry.objects.get()
    assert entry.action == "import_recipients_dry_run"
    assert entry.details["file_name"] == "units.csv" and entry.details["size"] > 31 * 1024 * 1024
    assert entry.justification.endswith("refused: The file is 31 MB; the limit is 10 MB. Split it into smaller files.")


def test_an_upload_just_over_the_cap_is_stopped_at_the_cap(client, pm, settings, stored_bytes):
    settings.IMPORT_MAX_UPLOAD_BYTES = 3 * 1024 * 1024  # above the 2.5 MB kept in memory: a temporary file
    client.force_login(pm)

    response = _upload(client, b"x" * (3 * 1024 * 1024 + 1), name="units.csv")

    assert response.status_code == 400
    assert "The file is 3 MB; the limit is 3 MB." in response.content.decode()
    assert stored_bytes() <= 3 * 1024 * 1024
    assert AuditEntry.objects.get().details["size"] > 3 * 1024 * 1024


def test_an_upload_at_the_cap_is_read(client, pm, settings):
    content = csv_bytes(RECIPIENT_HEADERS, [files.ROWS[0]])
    settings.IMPORT_MAX_UPLOAD_BYTES = len(content)
    client.force_login(pm)

    response = _upload(client, content, name="units.csv")

    assert response.status_code == 200 and "Dry run" in response.content.decode()


def test_the_upload_page_still_checks_the_csrf_token(pm):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pm)

    response = _upload(client, csv_bytes(RECIPIENT_HEADERS, [files.ROWS[0]]), name="units.csv")

    assert response.status_code == 403 and not AuditEntry.objects.exists()
