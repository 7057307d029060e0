"""Reading an uploaded CSV or XLSX file into rows, and keeping it on the server between the dry run and the confirm.

An upload is untrusted. An XLSX file is a ZIP archive of XML, so ten megabytes can unfold into gigabytes; a sheet
can claim a million rows or 16,384 columns; a CSV file can be in any encoding, or not be text at all. Every cap is a
setting (IMPORT_MAX_*, at the end of config/settings.py) and every refusal says in words which cap and, where there is
one, which row. An XLSX file is checked as an archive before any of it is parsed (declared sizes, compression ratio,
then every member read through a size-capped stream); its shared strings and its first sheet are then counted by
libxml2 with flat memory before openpyxl reads the sheet, read-only and streaming.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
import secrets
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
STAGING_FOLDER = "imports/staged"
TOKEN_SALT = "imports.confirm"
TOKEN_MAX_AGE = 60 * 60  # seconds between the dry run and the confirm

SAVE_AS = "Save it from your spreadsheet as CSV UTF-8 or XLSX."


class UnreadableFile(Exception):
    """The file cannot be imported at all; the message says why, in words for the person who uploaded it."""


@dataclass(frozen=True)
class Limits:
    """The caps an upload is read under (config/settings.py, IMPORT_MAX_*), read when a file is."""

    upload_bytes: int
    rows: int
    columns: int
    cell_chars: int
    uncompressed_bytes: int
    compression_ratio: int
    part_bytes: int
    archive_members: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            part_bytes=settings.IMPORT_MAX_PART_BYTES,
            archive_members=settings.IMPORT_MAX_ARCHIVE_MEMBERS,
        )


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (row number as the spreadsheet shows it, header = 1; the cells)
    rows: list[tuple[int, list]]


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def megabytes(size: int) -> str:
    """31 MB, 10.2 MB, 287 KB, 700 bytes: a size as a person reads it in a refusal."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    shown = f"{size / (1024 * 1024):,.1f}".removesuffix(".0")
    return f"{shown} MB"


def too_large(size: int, limit: int) -> str:
    return f"The file is {megabytes(size)}; the limit is {megabytes(limit)}. Split it into smaller files."


def file_format(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        shown = f"a .{extension} file" if extension else "a file without extension"
        raise UnreadableFile(
            f"Upload a CSV or XLSX file; this is {shown}. Save it from your spreadsheet as CSV or XLSX."
        )
    return extension


def read_table(content: bytes, *, file_format: str) -> Table:
    """The header row and the non-empty rows of the file's first sheet."""
    limits = Limits.from_settings()
    if len(content) > limits.upload_bytes:
        raise UnreadableFile(too_large(len(content), limits.upload_bytes))
    if not content.strip():
        raise UnreadableFile("The file is empty.")
    records = _xlsx_records(content, limits) if file_format == "xlsx" else _csv_records(content, limits)
    headers, rows = None, []
    for number, cells in records:
        if number > limits.rows + 1:
            raise UnreadableFile(_too_many_rows(number, limits))
        if len(cells) > limits.columns:
            _refuse_values_past_the_columns(number, cells, limits)
            cells = cells[: limits.columns]
        values = [_cell(value) for value in cells]
        try:
            # Text only (every CSV row): one sum, at C speed, says no cell can be too long.
            suspect = sum(map(len, values)) > limits.cell_chars
        except TypeError:  # numbers and dates among the cells
            suspect = True
        if suspect:
            for column, value in enumerate(values, start=1):
                if isinstance(value, str) and len(value) > limits.cell_chars:
                    raise UnreadableFile(_cell_too_long(number, column, len(value), limits))
        if not any(value != "" for value in values):
            continue  # blank lines are skipped, but keep their numbers
        if headers is None:
            headers = [str(value) for value in values]
            continue
        rows.append((number, values))
    if headers is None:
        raise UnreadableFile("The file is empty.")
    if not rows:
        raise UnreadableFile("The file has its column names but no rows to import.")
    return Table(headers=headers, rows=rows)


def _too_many_rows(number: int, limits: Limits) -> str:
    return (
        f"Row {number:,} is past the limit of {limits.rows:,} rows below the column names: "
        "split the file into smaller files."
    )


def _column_name(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if column <= 18_278 else f"number {column:,}"


def _past_the_columns(number: int, column: int, limits: Limits) -> str:
    return (
        f"Row {number:,} has a value in column {_column_name(column)} (column {column:,}); the limit is "
        f"{limits.columns} columns (A to {_column_name(limits.columns)}). Delete the columns after the last one "
        "you use and save the file again."
    )


def _refuse_values_past_the_columns(number: int, cells: list, limits: Limits) -> None:
    for column in range(limits.columns + 1, len(cells) + 1):
        value = cells[column - 1]
        if value is not None and not (isinstance(value, str) and not value.strip()):
            raise UnreadableFile(_past_the_columns(number, column, limits))


def _cell_too_long(number: int, column: int, length: int, limits: Limits) -> str:
    return (
        f"Row {number:,}, column {_column_name(column)} holds {length:,} characters; the limit is "
        f"{limits.cell_chars:,} characters in a cell."
    )


class LongText(str):
    """Stands in for a shared string longer than the cap: the text itself is never kept, only its length,
    so that the row that uses it is refused with the length it has."""

    length: int

    def __new__(cls, length: int):
        text = super().__new__(cls, "")
        text.length = length
        return text

    def __len__(self) -> int:
        return self.length

    def strip(self, chars=None) -> str:
        return self


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- CSV ------------------------------------------------------------------------------------------

# What a file that is not text starts with, to say what was uploaded instead.
_SIGNATURES = (
    (b"PK\x03\x04", "an XLSX workbook (or another ZIP archive)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls) or another older Office document"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
)

# Python's codec names as people know them, for the encodings charset-normalizer can report.
_ENCODING_NAMES = {
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "cp874": "Windows-874 (Thai)",
    "cp932": "Shift JIS (Japanese)",
    "shift_jis": "Shift JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "gb2312": "GB2312 (Simplified Chinese)",
    "gbk": "GBK (Simplified Chinese)",
    "gb18030": "GB18030 (Simplified Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "cp949": "EUC-KR (Korean)",
    "euc_kr": "EUC-KR (Korean)",
    "koi8_r": "KOI8-R (Cyrillic)",
    "mac_roman": "Mac OS Roman",
    "cp850": "DOS Latin-1 (code page 850)",
    "cp437": "DOS (code page 437)",
    "utf_32": "UTF-32",
}


def _encoding_name(codec: str) -> str:
    return _ENCODING_NAMES.get(codec, codec.upper().replace("_", "-"))


def _what_it_is(content: bytes) -> str:
    return next((what for signature, what in _SIGNATURES if content.startswith(signature)), "")


def _line_of(content, position: int) -> int:
    return content.count(b"\n" if isinstance(content, bytes) else "\n", 0, position) + 1


def _decode(content: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM) at once; otherwise a byte-order mark's UTF-16 or UTF-32,
    or Windows-1252 when charset-normalizer finds it a clean fit; any other encoding is named and refused,
    rather than read wrongly into names of persons and units."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = _decode_other(content, error)
    nul = text.find("\x00")
    if nul >= 0:
        raise UnreadableFile(_nul_byte(_line_of(text, nul)))
    return text


def _nul_byte(line: int) -> str:
    return (
        f"The file contains a NUL byte at line {line:,}: it is probably not a text CSV (a spreadsheet or another "
        f"file saved with a .csv name?). {SAVE_AS}"
    )


def _decode_other(content: bytes, utf8_error: UnicodeDecodeError) -> str:
    if content.startswith(b"PK\x03\x04"):
        raise UnreadableFile("This looks like an XLSX workbook named .csv: rename it to .xlsx, or save it as CSV.")
    what = _what_it_is(content)
    if what:
        raise UnreadableFile(f"This is {what}, not a CSV file. {SAVE_AS}")
    for bom, codec, name in (
        (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(codec)
            except UnicodeDecodeError as error:
                raise UnreadableFile(
                    f"The file starts as {name} text but byte {error.start:,} is not {name}: it is damaged, "
                    f"or mixes encodings. {SAVE_AS}"
                ) from None
    # utf-8-sig counts from after its byte-order mark.
    start = utf8_error.start + (len(codecs.BOM_UTF8) if content.startswith(codecs.BOM_UTF8) else 0)
    at = f"line {_line_of(content, start):,} (byte 0x{content[start]:02X})"
    if content.startswith(codecs.BOM_UTF8):
        raise UnreadableFile(
            f"The file says it is UTF-8 (it starts with a byte-order mark), but {at} is not UTF-8: it mixes "
            f"encodings. {SAVE_AS}"
        )
    if _mostly_utf8(content):
        raise UnreadableFile(f"The file is UTF-8 except at {at}: it mixes encodings. {SAVE_AS}")
    utf16 = _utf16_without_bom(content)
    if utf16:
        try:
            return content.decode(utf16)
        except UnicodeDecodeError:
            pass
    nul = content.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(_nul_byte(_line_of(content, nul)))
    if len(_CONTROL_BYTES.findall(content[:65536])) > len(content[:65536]) // 100:
        raise UnreadableFile(f"The file is not text (it looks like binary data). {SAVE_AS}")
    import charset_normalizer

    # Windows-1252, the encoding a spreadsheet saves CSV in across Western Europe and the Americas, when it fits
    # as cleanly as any other: a few lines of French or Spanish are too little text for a detector to tell it
    # from Windows-1250, or even Big5, but it refuses Windows-1252 for Cyrillic, Polish or Japanese text.
    sample = _telling_sample(content)
    western = charset_normalizer.from_bytes(sample, cp_isolation=["cp1252"]).best()
    best = charset_normalizer.from_bytes(sample).best()
    if western is not None and (
        best is None or "cp1252" in best.could_be_from_charset
        or (western.chaos <= best.chaos and not _UNWESTERN.search(str(western)))
    ):
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if best is None:
        raise UnreadableFile(f"The file is not text in any encoding the import knows. {SAVE_AS}")
    raise UnreadableFile(
        # A few lines are little to go on (short Russian can pass for Baltic): "seems".
        f"The file seems to be encoded as {_encoding_name(best.encoding)}, not UTF-8; save it as UTF-8 CSV "
        "(in Excel: File › Save As › CSV UTF-8), or as XLSX."
    )


_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*\n?")
_SAMPLE_BYTES = 256 * 1024


def _telling_sample(content: bytes) -> bytes:
    """The lines that hold non-ASCII bytes, up to 256 KB: all a detector learns from, and on a 10 MB file the
    whole would cost it half a second and 150 MB. The whole file is still decoded, strictly, afterwards."""
    if len(content) <= _SAMPLE_BYTES:
        return content
    lines, size = [], 0
    for line in _NON_ASCII_LINE.finditer(content):
        lines.append(line.group())
        size += len(lines[-1])
        if size >= _SAMPLE_BYTES:
            break
    return b"".join(lines) or content[:_SAMPLE_BYTES]


# Control characters no text file holds (tab, line feed, form feed and carriage return aside).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")
# Letters of Windows-1252 that Western European names do not use, but Turkish text read as Windows-1252 shows
# in place of ğ, ı and ş.
_UNWESTERN = re.compile("[ðÐþÞýÝ]")


def _utf16_without_bom(content: bytes) -> str:
    """UTF-16 saved without a byte-order mark: mostly Latin text, so one byte in two is NUL, always on the
    same side (after the letter: little-endian; before it: big-endian)."""
    sample = content[:65536]
    pairs = len(sample) // 2
    if pairs < 2:
        return ""
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd > pairs * 0.3 and even < pairs * 0.05:
        return "utf-16-le"
    if even > pairs * 0.3 and odd < pairs * 0.05:
        return "utf-16-be"
    return ""


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _mostly_utf8(content: bytes) -> bool:
    """More valid UTF-8 sequences than stray bytes: a UTF-8 file with a few bytes of another encoding, which
    read as Windows-1252 would turn every accented letter into two ("Ã©")."""
    stray = content.decode("utf-8", errors="replace").count("\ufffd")
    return len(_UTF8_SEQUENCE.findall(content)) > stray


def _csv_records(content: bytes, limits: Limits):
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales save CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFile(
                f"Row {number + 1:,} holds a cell of more than {csv.field_size_limit():,} characters; the limit is "
                f"{limits.cell_chars:,} characters in a cell."
            ) from None
        raise UnreadableFile(
            f"The file cannot be read as CSV (around row {number + 1}: {exc}). "
            "Save it from your spreadsheet as CSV (UTF-8) or XLSX."
        ) from None


# --- XLSX: the archive ----------------------------------------------------------------------------

NOT_A_WORKBOOK = "The file cannot be read as an XLSX workbook."
_CHUNK = 1024 * 1024
# Below this size a part may be compressed any amount: styles and relationships compress hundreds of times.
_RATIO_FROM_BYTES = 1024 * 1024
_SHEET_OR_STRINGS = re.compile(r"xl/(worksheets/[^/]+|sharedStrings)\.xml", re.IGNORECASE)
# The parts openpyxl parses besides the sheet and the shared strings; none is large in a genuine workbook.
_DESCRIBING_PARTS = re.compile(
    r"\[Content_Types\]\.xml|(.*/)?_rels/[^/]*\.rels|xl/workbook\.xml|xl/styles\.xml|xl/theme/[^/]+|docProps/[^/]+",
    re.IGNORECASE,
)
# No spreadsheet writes a document type declaration; its entities can make a small part expand without end.
_DOCTYPE = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _refuse_what_is_not_a_zip(content: bytes) -> None:
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE2 compound file: stream names sit in its directory, in UTF-16.
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise UnreadableFile(
                "The workbook is protected with a password, so it cannot be read. Open it, remove the password "
                "(File › Info › Protect Workbook › Encrypt with Password) and save it again."
            )
        if "Workbook".encode("utf-16-le") in content or "Book".encode("utf-16-le") in content:
            raise UnreadableFile(
                "This is an Excel 97-2003 workbook (.xls) named .xlsx. Open it in your spreadsheet and save it "
                "as XLSX (Excel Workbook) or CSV."
            )
        raise UnreadableFile(f"This is an older Office document, not an XLSX workbook. {SAVE_AS}")
    if not content.startswith(b"PK"):
        what = _what_it_is(content)
        raise UnreadableFile(
            f"{NOT_A_WORKBOOK} This is {what}. {SAVE_AS}" if what else
            f"{NOT_A_WORKBOOK} It is not a ZIP archive, as every XLSX file is: is it a CSV file named .xlsx? {SAVE_AS}"
        )


def _refuse_a_zip_that_is_not_a_workbook(names: set[str], archive: zipfile.ZipFile) -> None:
    lowered = {name.lower() for name in names}
    if "[content_types].xml" in lowered and any(name.startswith("xl/") for name in lowered):
        return
    if any(name.startswith("word/") for name in lowered):
        what = "a Word document (.docx)"
    elif any(name.startswith("ppt/") for name in lowered):
        what = "a PowerPoint presentation (.pptx)"
    elif "mimetype" in names and archive.getinfo("mimetype").file_size < 200 and (
        b"opendocument.spreadsheet" in archive.read("mimetype")
    ):
        what = "an OpenDocument spreadsheet (.ods)"
    else:
        raise UnreadableFile(f"{NOT_A_WORKBOOK} It is a ZIP archive, but it holds no workbook. {SAVE_AS}")
    raise UnreadableFile(f"This is {what}, not an XLSX workbook. {SAVE_AS}")


def _part_cap(name: str, limits: Limits) -> int | None:
    if _SHEET_OR_STRINGS.fullmatch(name):
        return limits.uncompressed_bytes
    if _DESCRIBING_PARTS.fullmatch(name):
        return limits.part_bytes
    return None  # pictures, other sheets' drawings, pivot caches: never parsed; the total still counts them


def _too_big_part(name: str, size: int, cap: int, limits: Limits) -> str:
    if cap == limits.part_bytes and cap < limits.uncompressed_bytes:
        return (
            f"The workbook's part “{name}” is {megabytes(size)}; the limit for that part is {megabytes(cap)} (a "
            "genuine workbook needs far less). Open the file in your spreadsheet and save it again, or save it as CSV."
        )
    return (
        f"The workbook would expand to more than {megabytes(cap)} when opened (its part “{name}” alone is "
        f"{megabytes(size)}); the limit is {megabytes(cap)}. Split it into smaller files."
    )


def _too_compressed(name: str, size: int, compressed: int, limits: Limits) -> str:
    return (
        f"The workbook's part “{name}” is compressed {size // max(compressed, 1):,} to 1 ({megabytes(size)} from "
        f"{megabytes(compressed)}); the limit is {limits.compression_ratio:,} to 1, beyond which a file is taken "
        "for a compression bomb. Save the file again from your spreadsheet, or as CSV."
    )


def _checked_archive(content: bytes, limits: Limits) -> zipfile.ZipFile:
    """The workbook's archive, once its declared sizes and then its actual content are within the caps.

    Declared sizes come first (nothing is decompressed for a file that announces a bomb); then every member
    is read through a stream that stops at its cap, because a directory can lie. zipfile stops a member at its
    declared size and checks its CRC, so a lie ends as a damaged archive rather than as memory."""
    _refuse_what_is_not_a_zip(content)
    damaged = (
        f"{NOT_A_WORKBOOK} It is damaged or incomplete (cut short while it was downloaded or copied?): "
        "save or download it again."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, IndexError):
        raise UnreadableFile(damaged) from None
    if len(members) > limits.archive_members:
        raise UnreadableFile(
            f"{NOT_A_WORKBOOK} It holds {len(members):,} parts; the limit is {limits.archive_members:,}, more than "
            "a workbook has. Save it again from your spreadsheet, or as CSV."
        )
    _refuse_a_zip_that_is_not_a_workbook({member.filename for member in members}, archive)
    declared = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UnreadableFile(
                "The workbook is protected with a password, so it cannot be read. Open it, remove the password "
                "and save it again."
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # bzip2 and LZMA decompress without an output bound in zipfile; no spreadsheet uses them.
            raise UnreadableFile(
                f"{NOT_A_WORKBOOK} Its part “{member.filename}” is compressed with a method spreadsheets do not use. "
                "Save it again from your spreadsheet, or as CSV."
            )
        cap = _part_cap(member.filename, limits)
        if cap is not None and member.file_size > cap:
            raise UnreadableFile(_too_big_part(member.filename, member.file_size, cap, limits))
        if member.file_size > _RATIO_FROM_BYTES and member.file_size > limits.compression_ratio * member.compress_size:
            raise UnreadableFile(_too_compressed(member.filename, member.file_size, member.compress_size, limits))
        declared += member.file_size
    if declared > limits.uncompressed_bytes:
        raise UnreadableFile(
            f"The workbook would expand to {megabytes(declared)} when opened; the limit is "
            f"{megabytes(limits.uncompressed_bytes)}. Split it into smaller files."
        )
    total = 0
    for member in members:
        cap = _part_cap(member.filename, limits) or limits.uncompressed_bytes
        size, tail = 0, b""
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > cap:
                        raise UnreadableFile(_too_big_part(member.filename, size, cap, limits))
                    if total > limits.uncompressed_bytes:
                        raise UnreadableFile(
                            f"The workbook expands to more than {megabytes(limits.uncompressed_bytes)} when opened; "
                            f"the limit is {megabytes(limits.uncompressed_bytes)}. Split it into smaller files."
                        )
                    if size > _RATIO_FROM_BYTES and size > limits.compression_ratio * member.compress_size:
                        raise UnreadableFile(_too_compressed(member.filename, size, member.compress_size, limits))
                    seam = tail + chunk[:32]  # a declaration split between two chunks
                    if any(marker in chunk or marker in seam for marker in _DOCTYPE):
                        raise UnreadableFile(
                            f"{NOT_A_WORKBOOK} Its part “{member.filename}” holds a document type declaration "
                            "(<!DOCTYPE>), which spreadsheets never write and which can make a small file expand "
                            "without end. Save it again from your spreadsheet, or as CSV."
                        )
                    tail = chunk[-32:]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
            # Bad CRC, truncated data, a member sizes lie about, unreadable compressed data.
            raise UnreadableFile(damaged) from None
    return archive


# --- XLSX: the shared strings and the sheet -------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _TEXT, _RUN, _ITEM = (f"{_MAIN}{tag}" for tag in ("row", "c", "v", "t", "r", "si"))
_SHEET_DATA, _INLINE = f"{_MAIN}sheetData", f"{_MAIN}is"
# What may sit inside a row (a cell, its value, formula, inline rich text) or inside a shared string.
_INNER = frozenset(
    f"{_MAIN}{tag}" for tag in (
        "c", "v", "f", "is", "t", "r", "rPr", "rPh", "phoneticPr", "extLst", "ext", "rFont", "charset", "family",
        "b", "i", "strike", "outline", "shadow", "condense", "extend", "color", "sz", "u", "vertAlign", "scheme",
    )
)
# A row of the most columns allowed, each cell with a value and a few runs of rich text, stays well under this.
_ELEMENTS_PER_COLUMN = 32
# Elements outside the rows (sheet properties, merged cells, hyperlinks, conditional formats).
_MAX_OUTSIDE_ELEMENTS = 200_000
_XML = {
    "events": ("end",), "huge_tree": False, "resolve_entities": False, "no_network": True, "load_dtd": False,
    "remove_comments": True, "remove_pis": True,
}


def _release(element) -> None:
    """Free an element that has been read, and the siblings read before it (lxml keeps them otherwise)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _damaged_xml(part: str, error) -> UnreadableFile:
    line, column = getattr(error, "position", (0, 0)) or (0, 0)
    if "text node" in str(error).lower():  # libxml2 stops at 10,000,000 characters in one piece
        return UnreadableFile(
            f"The workbook holds a text of more than 10,000,000 characters in {part}; the limit is "
            f"{Limits.from_settings().cell_chars:,} characters in a cell."
        )
    return UnreadableFile(
        f"The workbook is damaged: {part} is not well-formed XML (line {line:,}, column {column:,}). Open it in "
        "your spreadsheet and save it again, or save it as CSV."
    )


def _shared_strings(source, limits: Limits) -> list[str]:
    """The shared strings table, as openpyxl's own reader makes it (it keeps every string in memory), with two
    caps: a string longer than a cell may be is kept as its length only, and there may be no more strings
    than the rows and columns allowed could use."""
    from lxml import etree

    strings: list[str] = []
    most = limits.rows * limits.columns
    budget = limits.columns * _ELEMENTS_PER_COLUMN
    pending = outside = length = 0
    try:
        for _, element in etree.iterparse(source, **_XML):
            tag = element.tag
            if tag == _TEXT:
                text = element.text
                if text:
                    length += len(text)
            if tag == _ITEM:
                strings.append(LongText(length) if length > limits.cell_chars else _item_text(element))
                if len(strings) > most:
                    raise UnreadableFile(
                        f"The workbook holds more than {most:,} different texts, more than {limits.rows:,} rows of "
                        f"{limits.columns} columns can use. Copy the sheet to import into a new workbook, or save it "
                        "as CSV."
                    )
                _release(element)
                pending = length = 0
            elif tag in _INNER:
                pending += 1
                if pending > budget:
                    raise UnreadableFile(_not_what_a_spreadsheet_writes("its table of texts"))
            else:
                outside += 1
                if outside > _MAX_OUTSIDE_ELEMENTS:
                    raise UnreadableFile(_not_what_a_spreadsheet_writes("its table of texts"))
    except etree.XMLSyntaxError as error:
        raise _damaged_xml("its table of texts (xl/sharedStrings.xml)", error) from None
    return strings


def _item_text(item) -> str:
    # A plain string is one <t>; rich text is runs (<r>) of <t>. Phonetic guides (<rPh>) are not the text.
    if len(item) == 1 and item[0].tag == _TEXT:
        text = item[0].text or ""
    else:
        text = "".join(
            (child.text or "") if child.tag == _TEXT else child.findtext(_TEXT, default="")
            for child in item if child.tag in (_TEXT, _RUN)
        )
    return text.replace("x005F_", "")  # as openpyxl's own reader does


def _not_what_a_spreadsheet_writes(where: str) -> str:
    return (
        f"{NOT_A_WORKBOOK} The XML of {where} holds far more elements than a spreadsheet writes: the file is "
        "damaged or crafted. Open it in your spreadsheet and save it again, or save it as CSV."
    )


def _check_sheet(source, limits: Limits) -> None:
    """Count the first sheet's rows, cells and characters before openpyxl parses it: libxml2 reads it, and
    every row is freed once counted, so neither a million rows nor a row of 16,384 cells costs memory."""
    from lxml import etree
    from openpyxl.utils.cell import column_index_from_string

    budget = limits.columns * _ELEMENTS_PER_COLUMN
    rows = number = pending = outside = length = 0
    try:
        for _, element in etree.iterparse(source, **_XML):
            tag = element.tag
            if tag in _INNER:  # most events: cells, their values and texts
                pending += 1
                if tag == _VALUE or tag == _TEXT:
                    text = element.text
                    if text:
                        length += len(text)
                elif tag == _CELL:
                    if length > limits.cell_chars:
                        row = element.getparent()
                        in_row = row is not None and row.tag == _ROW
                        where = _row_number(row, number) if in_row else number + 1
                        column = _cell_column(element, column_index_from_string) or (len(row) if in_row else 1)
                        raise UnreadableFile(_cell_too_long(where, column, length, limits))
                    length = 0
                if pending > budget:
                    row = next(element.iterancestors(_ROW), None)
                    if row is not None:
                        raise UnreadableFile(_too_many_cells(_row_number(row, number), None, limits))
                    raise UnreadableFile(_not_what_a_spreadsheet_writes("its first sheet"))
            elif tag == _ROW:
                rows += 1
                number = _row_number(element, number)
                if rows > limits.rows + 1 or number > limits.rows + 1:
                    raise UnreadableFile(_too_many_rows(max(rows, number), limits))
                cells = len(element)
                if cells > limits.columns:
                    raise UnreadableFile(_too_many_cells(number, cells, limits))
                if cells:
                    _refuse_xml_values_past_the_columns(element, number, limits, column_index_from_string)
                _release(element)
                pending = 0
            else:
                outside += 1
                if outside > _MAX_OUTSIDE_ELEMENTS:
                    raise UnreadableFile(_not_what_a_spreadsheet_writes("its first sheet"))
                if tag != _SHEET_DATA:
                    element.clear(keep_tail=False)
    except etree.XMLSyntaxError as error:
        raise _damaged_xml("its first sheet", error) from None


def _row_number(row, previous: int) -> int:
    # As openpyxl numbers rows: the r attribute, or the one after the previous row.
    try:
        return int(float(row.get("r")))
    except (TypeError, ValueError):
        return previous + 1


def _cell_column(cell, column_index) -> int | None:
    reference = cell.get("r") or ""
    letters = reference.rstrip("0123456789")
    try:
        return column_index(letters.upper()) if letters else None
    except ValueError:
        return None


def _too_many_cells(number: int, cells: int | None, limits: Limits) -> str:
    counted = f"{cells:,} cells" if cells is not None else f"more than {limits.columns} cells"
    return (
        f"Row {number:,} has {counted}; the limit is {limits.columns} columns. Delete the columns after the last "
        "one you use (their formatting too) and save the file again."
    )


def _refuse_xml_values_past_the_columns(row, number: int, limits: Limits, column_index) -> None:
    # Cells come in column order, so only a row whose last cell is past the cap can hold a value there.
    last = _cell_column(row[-1], column_index)
    if last is None or last <= limits.columns:
        return
    for cell in row:
        column = _cell_column(cell, column_index)
        if column and column > limits.columns and (cell.find(_VALUE) is not None or cell.find(_INLINE) is not None):
            raise UnreadableFile(_past_the_columns(number, column, limits))


def _workbook_reader(content: bytes, limits: Limits):
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class FirstSheet(ReadOnlyWorksheet):
        # The dimension a file declares is not trusted: A1:XFD1048576 would pad every row to 16,384 cells and
        # add a million empty rows after the last one (and reading it scans the whole sheet when it is missing).
        def _get_size(self):
            pass

        def _get_row(self, row, min_col=1, max_col=None, values_only=False):
            # Blank cells past the last column read (formatting only) would pad the row out to their column.
            if row and max_col is None and row[-1]["column"] > limits.columns:
                max_col = limits.columns
            return super()._get_row(row, min_col, max_col, values_only)

    class Reader(ExcelReader):
        """openpyxl's reader, read-only: the shared strings read under the caps, and the first worksheet only,
        opened once its rows are counted."""

        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = _shared_strings(source, limits)

        def read_worksheets(self):
            for sheet, relation in self.parser.find_sheets():
                if relation.target not in self.valid_files or "chartsheet" in relation.Type:
                    continue
                with self.archive.open(relation.target) as source:
                    _check_sheet(source, limits)
                self.wb._sheets.append(FirstSheet(self.wb, sheet.name, relation.target, self.shared_strings))
                return

    return Reader(io.BytesIO(content), read_only=True, data_only=True)


def _xlsx_records(content: bytes, limits: Limits):
    _checked_archive(content, limits).close()
    unreadable = (
        f"{NOT_A_WORKBOOK} Part of it is damaged, or not what a workbook holds. Open it in your spreadsheet and "
        "save it again as XLSX, or save it as CSV."
    )
    try:
        reader = _workbook_reader(content, limits)
        reader.read()
    except UnreadableFile:
        raise
    except Exception:
        # Whatever openpyxl raises on a workbook it cannot read (KeyError, ValueError, XML errors, …): the file's
        # fault, said as such; logged for the day a genuine workbook is refused.
        logger.info("An XLSX upload could not be read.", exc_info=True)
        raise UnreadableFile(unreadable) from None
    workbook = reader.wb
    try:
        if not workbook.worksheets:
            raise UnreadableFile("The workbook has no sheet.")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        for number, cells in enumerate(rows, start=1):
            yield number, [_xlsx_value(value) for value in cells]
    except UnreadableFile:
        raise
    except Exception:
        logger.info("An XLSX upload could not be read.", exc_info=True)
        raise UnreadableFile(unreadable) from None
    finally:
        workbook.close()


def _xlsx_value(value):
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    if isinstance(value, (date, datetime, bool, int, float, str)) or value is None:
        return value
    return str(value)


# --- Between the dry run and the confirm ------------------------------------------


@dataclass(frozen=True)
class Staged:
    """A file kept on the server for its confirm; the token carries this, signed and tied to the user."""

    user_id: int
    kind: str
    storage_name: str
    file_name: str
    sha256: str


def staged_file_save(*, user_id: int, kind: str, file_name: str, content: bytes, file_format: str) -> str:
    """Keep the file under a random name and return the signed token its confirm form carries."""
    staged_files_purge()
    name = default_storage.save(f"{STAGING_FOLDER}/{secrets.token_urlsafe(18)}.{file_format}", ContentFile(content))
    payload = {"u": user_id, "k": kind, "n": name, "f": file_name, "h": sha256_of(content)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def staged_file_from_token(token: str, *, max_age: int = TOKEN_MAX_AGE) -> Staged:
    """The staged file a token names. Raises signing.BadSignature (tampered) or signing.SignatureExpired."""
    payload = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    return Staged(
        user_id=payload["u"], kind=payload["k"], storage_name=payload["n"], file_name=payload["f"], sha256=payload["h"]
    )


def staged_file_read(staged: Staged) -> bytes | None:
    """The staged file's content, or None once it is gone (imported already, or cleaned up)."""
    if not staged.storage_name.startswith(f"{STAGING_FOLDER}/") or not default_storage.exists(staged.storage_name):
        return None
    with default_storage.open(staged.storage_name, "rb") as handle:
        return handle.read()


def staged_file_delete(staged: Staged) -> None:
    if staged.storage_name.startswith(f"{STAGING_FOLDER}/"):
        default_storage.delete(staged.storage_name)


def staged_files_purge(*, older_than: timedelta = timedelta(seconds=TOKEN_MAX_AGE)) -> int:
    """Delete the staged files whose dry run can no longer be confirmed (never confirmed, token expired)."""
    try:
        names = default_storage.listdir(STAGING_FOLDER)[1]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    cutoff = timezone.now() - older_than
    purged = 0
    for name in names:
        path = f"{STAGING_FOLDER}/{name}"
        try:
            stale = default_storage.get_modified_time(path) < cutoff
        except (OSError, NotImplementedError):
            continue
        if stale:
            default_storage.delete(path)
            purged += 1
    return purged
