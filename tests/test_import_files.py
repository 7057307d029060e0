"""Reading an uploaded file: CSV (any common delimiter and encoding) or XLSX, blank lines skipped but
counted, so that row numbers are the spreadsheet's own."""

from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from common.tabular.file_limits import UnreadableFile, file_format
from common.tabular.file_table import read_table
from imports.staging import staged_file_from_token, staged_file_save
from tests.test_import_helpers import xlsx_bytes


def test_rows_keep_the_spreadsheets_numbers_across_blank_lines():
    content = b"Name,Level\n\nPolice,force\n,\nArmy,force\n"
    table = read_table(content, file_format="csv")
    assert table.headers == ["Name", "Level"]
    assert table.rows == [(3, ["Police", "force"]), (5, ["Army", "force"])]


def test_a_csv_saved_by_a_spreadsheet_in_windows_1252_with_semicolons_reads():
    content = "Name;Country\nGendarmerie nationale;Côte d’Ivoire\n".encode("cp1252")
    assert read_table(content, file_format="csv").rows == [(2, ["Gendarmerie nationale", "Côte d’Ivoire"])]


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_header():
    assert read_table("\ufeffName\nPolice\n".encode(), file_format="csv").headers == ["Name"]


def test_xlsx_cells_keep_their_dates_and_whole_numbers():
    content = xlsx_bytes(["Date", "Grade"], [[datetime(2026, 3, 14), 2.0], [date(2026, 3, 15), 3]])
    assert read_table(content, file_format="xlsx").rows == [(2, [date(2026, 3, 14), 2]), (3, [date(2026, 3, 15), 3])]


@pytest.mark.parametrize(
    "content, fmt, message",
    [
        (b"", "csv", "The file is empty."),
        (b"\n\n", "csv", "The file is empty."),
        (b"Name\n", "csv", "The file has its column names but no rows to import."),
        (b"not a zip", "xlsx", "The file cannot be read as an XLSX workbook."),
        (b'Name\n"Police"force\n', "csv", "The file cannot be read as CSV (around row 2"),
    ],
)
def test_what_cannot_be_read_says_why(content, fmt, message):
    with pytest.raises(UnreadableFile) as refused:
        read_table(content, file_format=fmt)
    assert str(refused.value).startswith(message)


def test_a_file_with_too_many_rows_is_refused():
    content = ("Name\n" + "x\n" * (settings.IMPORT_MAX_ROWS + 1)).encode()
    with pytest.raises(UnreadableFile, match="Row 20,002 is past the limit of 20,000 rows"):
        read_table(content, file_format="csv")


def test_only_csv_and_xlsx_are_taken():
    assert (file_format("a.CSV"), file_format("b.xlsx")) == ("csv", "xlsx")
    with pytest.raises(UnreadableFile, match="this is a .xls file"):
        file_format("old.xls")


def test_staged_files_whose_confirm_expired_are_purged():
    old = staged_file_from_token(
        staged_file_save(user_id=1, kind="recipients", file_name="a.csv", content=b"Name\nx\n", file_format="csv")
    )
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2)):
        fresh = staged_file_from_token(
            staged_file_save(user_id=1, kind="recipients", file_name="b.csv", content=b"Name\ny\n", file_format="csv"),
            max_age=None,
        )
        # saving the fresh one purged the old one already; the command finds nothing more
        call_command("purge_staged_imports")
        assert not default_storage.exists(old.storage_name)
        assert default_storage.exists(fresh.storage_name)
