"""Reading an uploaded CSV or XLSX file into rows, and keeping it on the server between the dry run and the confirm."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
FORMATS = ("csv", "xlsx")
STAGING_FOLDER = "imports/staged"
TOKEN_SALT = "imports.confirm"
TOKEN_MAX_AGE = 60 * 60  # seconds between the dry run and the confirm


class UnreadableFile(Exception):
    """The file cannot be imported at all; the message says why, in words for the person who uploaded it."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (row number as the spreadsheet shows it, header = 1; the cells)
    rows: list[tuple[int, list]]


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


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
    if len(content) > MAX_BYTES:
        raise UnreadableFile(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files.")
    if not content.strip():
        raise UnreadableFile("The file is empty.")
    records = _xlsx_records(content) if file_format == "xlsx" else _csv_records(content)
    headers, rows = None, []
    for number, cells in records:
        cells = [_cell(value) for value in cells[:MAX_COLUMNS]]
        if not any(value != "" for value in cells):
            continue  # blank lines are skipped, but keep their numbers
        if headers is None:
            headers = [str(value) for value in cells]
            continue
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files.")
        rows.append((number, cells))
    if headers is None:
        raise UnreadableFile("The file is empty.")
    if not rows:
        raise UnreadableFile("The file has its column names but no rows to import.")
    return Table(headers=headers, rows=rows)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("The file is not text: save it from your spreadsheet as CSV (UTF-8) or XLSX.")


def _csv_records(content: bytes):
    if content[:4] == b"PK\x03\x04":
        raise UnreadableFile("This looks like an XLSX workbook named .csv: rename it to .xlsx, or save it as CSV.")
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
        raise UnreadableFile(
            f"The file cannot be read as CSV (around row {number + 1}: {exc}). "
            "Save it from your spreadsheet as CSV (UTF-8) or XLSX."
        ) from None


def _xlsx_records(content: bytes):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise UnreadableFile(
            "The file cannot be read as an XLSX workbook. Save it from your spreadsheet as XLSX or CSV."
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableFile("The workbook has no sheet.")
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_xlsx_value(value) for value in cells]
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
