"""A CSV file is read in the encodings spreadsheets save it in (UTF-8 with or without a byte-order mark,
UTF-16 little- or big-endian, Windows-1252), and any other is refused with its name rather than read wrongly
into names of persons and units; a file that is not text says what it is instead."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.tabular.file_limits import UnreadableFile
from common.tabular.file_table import read_table
from hrddp.models import AuditEntry, Recipient
from tests.upload_files import ENCODED, HEADERS, ROWS, csv_text

SAVE_AS_UTF8 = "not UTF-8; save it as UTF-8 CSV (in Excel: File › Save As › CSV UTF-8), or as XLSX."


def _random_bytes(lowest: int, count: int = 4_000) -> bytes:
    draw = random.Random(7)
    return bytes(draw.randrange(lowest, 256) for _ in range(count))


def _refused(content: bytes) -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_table(content, file_format="csv")
    return str(refused.value)


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_a_csv_in_each_encoding_spreadsheets_save_reads_its_accented_names(encoding):
    # given "Unité de police — Kaël" and "Gendarmerie nationale (Côte-d'Ivoire)" saved in that encoding
    content = ENCODED[encoding](csv_text())

    table = read_table(content, file_format="csv")

    assert table.headers == HEADERS
    assert [cells for _, cells in table.rows] == ROWS


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_saved_without_a_byte_order_mark_reads_too(codec):
    assert [cells for _, cells in read_table(csv_text().encode(codec), file_format="csv").rows] == ROWS


def test_a_short_french_file_in_windows_1252_is_not_taken_for_another_encoding():
    # a detector alone takes these few bytes for Big5
    content = "Name,Country\nGendarmerie nationale (Côte-d'Ivoire),Côte-d'Ivoire\n".encode("cp1252")

    assert read_table(content, file_format="csv").rows == [(2, ["Gendarmerie nationale (Côte-d'Ivoire)", "Côte-d'Ivoire"])]


def test_plain_utf8_is_read_without_running_the_detector(monkeypatch):
    import charset_normalizer

    def detector(*args, **kwargs):
        raise AssertionError("UTF-8 needs no detection")

    monkeypatch.setattr(charset_normalizer, "from_bytes", detector)

    assert read_table(csv_text().encode("utf-8"), file_format="csv").rows[0] == (2, ROWS[0])


@pytest.mark.parametrize(
    "text, codec, name",
    [
        ("Name,Country\nПолиция Дарвонии,Дарвония\nПограничная служба,Дарвония\n", "cp1251", "Windows-1251 (Cyrillic)"),
        ("Name,Country\nPolicja Państwowa Łódź,Polska\nStraż Graniczna,Polska\n", "cp1250", "Windows-1250 (Central European)"),
        ("Ad,Ülke\nJandarma Genel Komutanlığı,Türkiye\n", "cp1254", "Windows-1254 (Turkish)"),
        ("Name,Country\n警察,ダルボニア\n", "shift_jis", "Shift JIS (Japanese)"),
    ],
    ids=["cyrillic", "polish", "turkish", "japanese"],
)
def test_another_encoding_is_refused_with_its_name(text, codec, name):
    assert _refused(text.encode(codec)) == f"The file seems to be encoded as {name}, {SAVE_AS_UTF8}"


def test_another_encoding_that_shows_only_far_down_a_large_file_is_still_named():
    # given 300 KB of plain ASCII rows, then Cyrillic ones
    ascii_rows = "".join(f"Darvonian Police Force unit number {n},Darvonia\n" for n in range(7_000))
    cyrillic_rows = "Пограничная служба Дарвонии,Дарвония\n" * 50
    content = ("Name,Country\n" + ascii_rows + cyrillic_rows).encode("cp1251")
    assert len(content) > 256 * 1024

    assert _refused(content) == f"The file seems to be encoded as Windows-1251 (Cyrillic), {SAVE_AS_UTF8}"


def test_a_nul_byte_is_refused_with_its_line():
    content = b"Name,Country\nDarvonian Police,Darvonia\nPol\x00ice,Darvonia\n"

    assert _refused(content).startswith(
        "The file contains a NUL byte at line 3: it is probably not a text CSV (a spreadsheet or another file "
        "saved with a .csv name?)."
    )


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "This is a PNG image, not a CSV file."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is a PDF document, not a CSV file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "This is an Excel 97-2003 workbook (.xls) or another older Office document, not a CSV file."),
        (_random_bytes(1), "The file is not text (it looks like binary data)."),
        (_random_bytes(0), "The file contains a NUL byte at line"),
    ],
    ids=["png", "pdf", "xls", "binary", "binary-with-nul"],
)
def test_a_file_that_is_not_text_says_what_was_found(content, message):
    assert _refused(content).startswith(message)


def test_a_utf8_file_with_a_stray_byte_of_another_encoding_is_refused_where_it_is():
    content = ("Name,Country\n" + "Unité de police — Kaël,Darvonia\n" * 5).encode() + "Côte,Darvonia\n".encode("cp1252")

    assert _refused(content).startswith("The file is UTF-8 except at line 7 (byte 0xF4): it mixes encodings.")


def test_a_byte_order_mark_that_the_rest_of_the_file_belies_is_refused():
    utf8 = "\ufeffName\nUnité\n".encode() + "Côte\n".encode("cp1252")
    utf16 = b"\xff\xfe" + "Name\nPolice\n".encode("utf-16-le") + b"\x00\xd8A\x00"  # a lone surrogate

    assert _refused(utf8).startswith("The file says it is UTF-8 (it starts with a byte-order mark), but line 3")
    assert _refused(utf16).startswith("The file starts as UTF-16 text but byte 26 is not UTF-16")


# --- Through the import page --------------------------------------------------------------------------------


def _upload(client, content, name="units.csv"):
    return client.post(reverse("import_upload"), {"kind": "recipients", "file": SimpleUploadedFile(name, content)})


def test_a_utf16_file_from_excel_shows_its_rows_in_the_dry_run(client, pm):
    client.force_login(pm)

    response = _upload(client, ENCODED["utf-16 LE with BOM"](csv_text(delimiter="\t")), name="units.txt.csv")

    page = response.content.decode()
    assert response.status_code == 200 and "Dry run" in page
    assert "Unité de police — Kaël" in page and "Gendarmerie nationale (Côte-d&#x27;Ivoire)" in page


def test_a_file_in_another_encoding_is_a_field_error_and_an_audit_entry(client, pm):
    client.force_login(pm)
    rows = "".join(f"Пограничная служба отряд {n},Darvonia,police,force,\n" for n in range(20))
    content = ("Name,Country,Category,Level,Parent\n" + rows).encode("cp1251")

    response = _upload(client, content)

    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert "The file seems to be encoded as Windows-1251 (Cyrillic)" in response.content.decode()
    entry = AuditEntry.objects.get()
    assert entry.action == "import_recipients_dry_run" and "Windows-1251 (Cyrillic)" in entry.justification
    assert not Recipient.objects.exists()
