"""What an uploaded file may be, and how a refusal says what is wrong with it.

An upload is untrusted: a CSV file can be in any encoding, or not be text at all; an XLSX file is a ZIP archive
of XML, so ten megabytes can unfold into gigabytes, and a sheet can claim a million rows or 16,384 columns.
Every cap is a setting (IMPORT_MAX_*, at the end of config/settings.py), read here (`Limits`), and every
refusal (`UnreadableFile`) says in words which cap and, where there is one, which row. The wordings shared by
the CSV and the XLSX readers are here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

FORMATS = ("csv", "xlsx")

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


# --- Where a file goes past a cap -----------------------------------------------------------------


def too_many_rows(number: int, limits: Limits) -> str:
    return (
        f"Row {number:,} is past the limit of {limits.rows:,} rows below the column names: "
        "split the file into smaller files."
    )


def column_name(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if column <= 18_278 else f"number {column:,}"


def past_the_columns(number: int, column: int, limits: Limits) -> str:
    return (
        f"Row {number:,} has a value in column {column_name(column)} (column {column:,}); the limit is "
        f"{limits.columns} columns (A to {column_name(limits.columns)}). Delete the columns after the last one "
        "you use and save the file again."
    )


def cell_too_long(number: int, column: int, length: int, limits: Limits) -> str:
    return (
        f"Row {number:,}, column {column_name(column)} holds {length:,} characters; the limit is "
        f"{limits.cell_chars:,} characters in a cell."
    )


# --- What a file is when it is not what it is named -----------------------------------------------


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


def what_it_is(content: bytes) -> str:
    return next((what for signature, what in _SIGNATURES if content.startswith(signature)), "")
