"""The files the upload tests and benchmarks/uploads.py send (this file holds no test): workbooks written
by hand member by member, so that a test can make one that no spreadsheet would write (a row bomb, a
column bomb, a giant shared string, a damaged archive), CSV text in the encodings spreadsheets save,
and a measure of reading a file in a fresh process (time and peak memory).

Nothing here is a binary fixture: every file is built when the test runs.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = ["Name", "Country", "Category", "Level", "Parent"]
ROWS = [
    ["Unité de police — Kaël", "Darvonia", "police", "force", ""],
    ["Gendarmerie nationale (Côte-d'Ivoire)", "Darvonia", "police", "force", ""],
]

# --- Workbooks, member by member ------------------------------------------------------------------


def _content_types(shared_strings: bool) -> bytes:
    strings = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{strings}</Types>"
    ).encode()


_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
).encode()

_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Rows" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
).encode()


# One font, fill, border and cell format: what a spreadsheet needs to show the cells.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
).encode()


def _workbook_rels(shared_strings: bool) -> bytes:
    strings = f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>' if shared_strings else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId3" Type="{RELS}/styles" Target="styles.xml"/>{strings}'
        "</Relationships>"
    ).encode()


def _pieces(part: bytes | Iterable[bytes]) -> Iterable[bytes]:
    return [part] if isinstance(part, bytes) else part


def xlsx_package(
    sheet: bytes | Iterable[bytes], *, shared_strings: bytes | Iterable[bytes] | None = None,
    styles: bytes = STYLES, extra: dict[str, bytes] | None = None, compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A workbook of one sheet from its members' XML; a member given as pieces is streamed into the archive,
    so a bomb of hundreds of megabytes never sits in memory whole while it is built. `extra` adds members."""
    members = {
        "[Content_Types].xml": _content_types(shared_strings is not None),
        "_rels/.rels": _PACKAGE_RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _workbook_rels(shared_strings is not None),
        "xl/styles.xml": styles,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings is not None:
        members["xl/sharedStrings.xml"] = shared_strings
    members |= extra or {}
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name, part in members.items():
            with archive.open(name, "w") as member:
                for piece in _pieces(part):
                    member.write(piece)
    return stream.getvalue()


def sheet_xml(rows: Iterable[bytes], *, dimension: str = "") -> Iterable[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def row_xml(number: int, values: list, *, first_column: int = 1) -> bytes:
    """One row of inline strings and numbers, its cells from `first_column` on."""
    cells = []
    for offset, value in enumerate(values):
        ref = f"{get_column_letter(first_column + offset)}{number}"
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


def xlsx_of_rows(headers: list, rows: list[list], *, dimension: str = "") -> bytes:
    lines = [row_xml(1, headers)] + [row_xml(number, row) for number, row in enumerate(rows, start=2)]
    return xlsx_package(sheet_xml(lines, dimension=dimension))


# --- The three bombs ------------------------------------------------------------------------------


def row_bomb(rows: int = 4_000_000) -> bytes:
    """Millions of rows: the header, then empty rows, every hundredth holding one cell (9.7 MB; 69 MB of XML)."""

    def lines():
        yield row_xml(1, HEADERS)
        batch = []
        for number in range(2, rows + 2):
            batch.append(
                b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (number, number) if number % 100 == 0
                else b'<row r="%d"/>' % number
            )
            if len(batch) == 10_000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)

    return xlsx_package(sheet_xml(lines()))


def column_bomb(rows: int = 120, columns: int = 16_384) -> bytes:
    """A dimension claiming every cell of a sheet (A1:XFD1048576) and rows of 16,384 cells (9.4 MB; 53 MB of XML)."""
    letters = [get_column_letter(column).encode() for column in range(1, columns + 1)]

    def lines():
        yield row_xml(1, HEADERS)
        for number in range(2, rows + 2):
            yield b'<row r="%d">' % number + b"".join(
                b'<c r="%s%d"><v>%d</v></c>' % (letter, number, column) for column, letter in enumerate(letters)
            ) + b"</row>"

    return xlsx_package(sheet_xml(lines(), dimension="A1:XFD1048576"))


def shared_string_bomb(characters: int = 300_000_000, *, declared_size: int | None = None) -> bytes:
    """One shared string of hundreds of megabytes (300 MB of "A" compress to about 300 KB), used by one cell.
    With `declared_size` the archive's directory lies about the member's size."""
    chunk = b"A" * 1_000_000

    def strings():
        yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}"><si><t>'.encode()
        for _ in range(characters // len(chunk)):
            yield chunk
        yield chunk[: characters % len(chunk)]
        yield b"</t></si></sst>"

    sheet = sheet_xml([row_xml(1, HEADERS), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'])
    content = xlsx_package(sheet, shared_strings=strings())
    return content if declared_size is None else with_declared_size(content, "xl/sharedStrings.xml", declared_size)


def with_declared_size(content: bytes, name: str, size: int) -> bytes:
    """The archive with the uncompressed size of one member rewritten in the central directory, which is
    what a reader trusts: the archive lies about that member."""
    data = bytearray(content)
    position = 0
    while True:
        entry = content.find(b"PK\x01\x02", position)
        assert entry >= 0, f"no directory entry for {name}"
        name_length = struct.unpack_from("<H", content, entry + 28)[0]
        if content[entry + 46:entry + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, entry + 24, size)
            return bytes(data)
        position = entry + 4


# --- Broken workbooks ---------------------------------------------------------------------------


def truncated_xlsx() -> bytes:
    """A workbook cut off halfway, as an interrupted download leaves it."""
    content = xlsx_of_rows(HEADERS, ROWS)
    return content[: len(content) // 2]


def zip_not_a_workbook() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photos/checkpoint.txt", "Not a spreadsheet.")
    return stream.getvalue()


def xlsx_with_corrupt_data() -> bytes:
    """A workbook whose sheet's compressed bytes were overwritten (a bad disk, a bad transfer)."""
    content = bytearray(xlsx_of_rows(HEADERS, ROWS * 50))
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/worksheets/sheet1.xml")
    name_length, extra_length = struct.unpack_from("<HH", content, info.header_offset + 26)
    data = info.header_offset + 30 + name_length + extra_length
    content[data + 10:data + 60] = b"\xff" * 50
    return bytes(content)


def xlsx_with_corrupt_xml() -> bytes:
    """A workbook whose sheet XML stops in the middle of a row."""
    return xlsx_package(b'<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Na' % MAIN.encode())


def compound_file(stream_names: list[str]) -> bytes:
    """An OLE2 compound file (the container of Excel 97-2003 workbooks, and of password-protected XLSX
    files) holding empty streams with these names: a header, one FAT sector and one directory sector."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major version, byte order, sizes
    struct.pack_into("<III", header, 44, 1, 1, 0)  # one FAT sector; the directory starts at sector 1
    struct.pack_into("<IIIII", header, 56, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)  # no mini FAT, no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    for slot in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * slot, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * sector)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)  # sector 0 is the FAT, sector 1 ends the directory

    def entry(name: str, kind: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, 0xFFFFFFFF, right, child)
        struct.pack_into("<I", raw, 116, 0xFFFFFFFE)  # no data
        return bytes(raw)

    entries = [entry("Root Entry", 5, child=1)] + [
        entry(name, 2, right=index + 2 if index + 1 < len(stream_names) else 0xFFFFFFFF)
        for index, name in enumerate(stream_names)
    ]
    directory = b"".join(entries).ljust(sector, b"\0")
    return bytes(header) + bytes(fat) + directory


def encrypted_workbook() -> bytes:
    """What Excel saves for a workbook protected with a password to open: a compound file, not a ZIP."""
    return compound_file(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])


def xls_workbook() -> bytes:
    """An Excel 97-2003 workbook (its BIFF records live in a stream named "Workbook")."""
    return compound_file(["Workbook", "\x05SummaryInformation"])


# --- CSV text in the encodings spreadsheets save -------------------------------------------------


def csv_text(headers: list = HEADERS, rows: list[list] = ROWS, delimiter: str = ",") -> str:
    return "\r\n".join(delimiter.join(str(cell) for cell in row) for row in [headers, *rows]) + "\r\n"


ENCODED = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: text.encode("utf-8-sig"),
    "utf-16 LE with BOM": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16 BE with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "windows-1252": lambda text: text.encode("cp1252"),
}


# --- Reading a file in a fresh process ------------------------------------------------------------


def measure_reading(content: bytes, file_format: str, *, settings: dict | None = None) -> dict:
    """Read the file with common.tabular.file_table.read_table in a new Python process and return what it found
    (`rows` or `refused`), the seconds the reading took and the peak memory it added (MB).

    The peak is the process's maximum resident set (getrusage's ru_maxrss) after the reading less the one
    before it: unlike tracemalloc it counts what C libraries allocate (zlib, libxml2, expat), and a fresh
    process keeps the test's own allocations (the bomb being built) out of the figure.
    """
    with tempfile.NamedTemporaryFile(suffix=f".{file_format}", delete=False) as handle:
        handle.write(content)
    try:
        env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings_test"}
        completed = subprocess.run(
            [sys.executable, "-m", "tests.upload_files", handle.name, file_format, json.dumps(settings or {})],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
    finally:
        os.unlink(handle.name)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _measure_child(path: str, file_format: str, overrides: dict) -> dict:
    import resource
    import time

    import django

    django.setup()
    from django.conf import settings

    for name, value in overrides.items():
        setattr(settings, name, value)
    from common.tabular.file_limits import UnreadableFile
    from common.tabular.file_table import read_table

    content = Path(path).read_bytes()
    # Warm up: the first reading imports openpyxl, lxml and charset-normalizer.
    try:
        read_table(xlsx_of_rows(HEADERS, ROWS) if file_format == "xlsx" else csv_text().encode(), file_format=file_format)
    except UnreadableFile:
        pass
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        table = read_table(content, file_format=file_format)
        # Cells cut short: a test only compares the first characters, and the answer stays small.
        found = {
            "rows": len(table.rows), "headers": [str(v)[:60] for v in table.headers[:10]],
            "first": [str(v)[:60] for v in table.rows[0][1][:10]],
        }
    except UnreadableFile as refused:
        found = {"refused": str(refused)}
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return found | {"seconds": seconds, "extra_mb": (peak - before) / 1024}


if __name__ == "__main__":
    print(json.dumps(_measure_child(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
