"""Reading an uploaded CSV or XLSX file into rows: its header row and the rows below it.

The file is read under the caps of common.tabular.file_limits; the CSV's text by common.tabular.csv_decoding,
the workbook's first sheet by common.tabular.xlsx_sheet (once common.tabular.xlsx_archive has checked the
archive).
"""

from __future__ import annotations

from dataclasses import dataclass

from common.tabular.csv_decoding import csv_records
from common.tabular.file_limits import Limits, UnreadableFile, cell_too_long, past_the_columns, too_large, too_many_rows
from common.tabular.xlsx_sheet import xlsx_records


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (row number as the spreadsheet shows it, header = 1; the cells)
    rows: list[tuple[int, list]]


def read_table(content: bytes, *, file_format: str, limits: Limits | None = None) -> Table:
    """The header row and the non-empty rows of the file's first sheet, under `limits` (the settings' by
    default; a caller with tighter caps, e.g. fewer rows, passes its own)."""
    limits = limits or Limits.from_settings()
    if len(content) > limits.upload_bytes:
        raise UnreadableFile(too_large(len(content), limits.upload_bytes))
    if not content.strip():
        raise UnreadableFile("The file is empty.")
    records = xlsx_records(content, limits) if file_format == "xlsx" else csv_records(content, limits)
    headers, rows = None, []
    for number, cells in records:
        if number > limits.rows + 1:
            raise UnreadableFile(too_many_rows(number, limits))
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
                    raise UnreadableFile(cell_too_long(number, column, len(value), limits))
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


def _refuse_values_past_the_columns(number: int, cells: list, limits: Limits) -> None:
    for column in range(limits.columns + 1, len(cells) + 1):
        value = cells[column - 1]
        if value is not None and not (isinstance(value, str) and not value.strip()):
            raise UnreadableFile(past_the_columns(number, column, limits))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
