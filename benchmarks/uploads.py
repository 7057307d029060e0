"""Time and peak memory of reading, or refusing, uploaded files (see benchmarks/README.md).

    .venv/bin/python benchmarks/uploads.py [--runs 5] [--only bomb]

Builds the three XLSX bombs (a row bomb, a column bomb, a giant shared string), the same bombs with the
archive checks switched off (so that the parsing's own caps are what refuses them), and CSV files of 10,000
rows in each encoding spreadsheets save, then reads each with common.tabular.file_table.read_table in a fresh process per
run: the median of N runs, and the peak memory the reading added (getrusage's ru_maxrss after less before,
which counts what zlib, libxml2 and expat allocate as well as Python).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import upload_files as files  # noqa: E402

ARCHIVE_CAPS_OFF = {"IMPORT_MAX_UNCOMPRESSED_BYTES": 2**31, "IMPORT_MAX_COMPRESSION_RATIO": 10**6}
ROWS = 10_000


def _recipients() -> list[list]:
    return [[f"Unité de police {n} — Kaël", "Côte d'Ivoire", "police", "unit", "Gendarmerie nationale"] for n in range(ROWS)]


def _cases():
    """(label, build, file format, settings for the reading)."""
    text = lambda: files.csv_text(files.HEADERS, _recipients())  # noqa: E731
    yield "row bomb", files.row_bomb, "xlsx", {}
    yield "column bomb", files.column_bomb, "xlsx", {}
    yield "giant shared string", files.shared_string_bomb, "xlsx", {}
    yield "row bomb, archive caps off", files.row_bomb, "xlsx", ARCHIVE_CAPS_OFF
    yield "column bomb, archive caps off", files.column_bomb, "xlsx", ARCHIVE_CAPS_OFF
    yield "giant shared string, archive caps off", files.shared_string_bomb, "xlsx", ARCHIVE_CAPS_OFF
    yield f"xlsx, {ROWS:,} rows", lambda: files.xlsx_of_rows(files.HEADERS, _recipients()), "xlsx", {}
    for encoding, encode in files.ENCODED.items():
        yield f"csv {encoding}, {ROWS:,} rows", lambda encode=encode: encode(text()), "csv", {}
    yield "csv windows-1252, 10 MB (refused)", lambda: _ten_megabytes(text().encode("cp1252")), "csv", {}
    yield "csv with a NUL byte", lambda: text().encode() + b"Pol\x00ice\r\n", "csv", {}
    yield "csv Windows-1251 (refused)", lambda: ("Name\r\n" + "Пограничная служба\r\n" * ROWS).encode("cp1251"), "csv", {}


def _ten_megabytes(content: bytes) -> bytes:
    """Just under the upload cap: decoded and detected whole, then refused at the row cap."""
    header, body = content.split(b"\r\n", 1)
    return header + b"\r\n" + body * ((10 * 1024 * 1024 - 1024) // len(body))


def _expanded(content: bytes, file_format: str) -> str:
    if file_format != "xlsx":
        return ""
    try:
        return files_megabytes(sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(content)).infolist()))
    except zipfile.BadZipFile:
        return ""


def files_megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="only the cases whose label contains this")
    arguments = parser.parse_args()

    print(f"{'case':42} {'file':>9} {'XML':>9} {'median s':>9} {'min-max s':>13} {'peak MB':>8}  result")
    for label, build, file_format, overrides in _cases():
        if arguments.only not in label:
            continue
        content = build()
        runs = [files.measure_reading(content, file_format, settings=overrides) for _ in range(arguments.runs)]
        seconds = [run["seconds"] for run in runs]
        peak = max(run["extra_mb"] for run in runs)
        result = runs[0].get("refused") or f"read {runs[0]['rows']:,} rows"
        print(
            f"{label:42} {files_megabytes(len(content)):>9} {_expanded(content, file_format):>9} "
            f"{statistics.median(seconds):>9.2f} {min(seconds):>6.2f}-{max(seconds):<6.2f} {peak:>8.1f}  "
            f"{result[:90]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
