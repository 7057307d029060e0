"""The rows of an uploaded XLSX file's first sheet.

Once common.tabular.xlsx_archive has checked the archive, its shared strings and its first sheet are counted by
libxml2 with flat memory (every row freed once counted) before openpyxl reads the sheet, read-only and
streaming; a text longer than a cell may hold is kept as its length only (`LongText`).
"""

from __future__ import annotations

import io
import logging
from datetime import date, datetime, time

from common.tabular.file_limits import Limits, UnreadableFile, cell_too_long, past_the_columns, too_many_rows
from common.tabular.xlsx_archive import NOT_A_WORKBOOK, checked_archive

logger = logging.getLogger(__name__)


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
                        raise UnreadableFile(cell_too_long(where, column, length, limits))
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
                    raise UnreadableFile(too_many_rows(max(rows, number), limits))
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
            raise UnreadableFile(past_the_columns(number, column, limits))


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


def xlsx_records(content: bytes, limits: Limits):
    checked_archive(content, limits).close()
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
