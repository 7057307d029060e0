"""The text of an uploaded CSV file, and its rows.

UTF-8 (with or without BOM) is read at once; a byte-order mark's UTF-16 or UTF-32, UTF-16 without one, and
Windows-1252 where charset-normalizer finds it a clean fit are read too. Any other encoding is named and
refused, as is a file that is not text (a workbook, a PDF, an image named .csv), rather than read wrongly
into names of persons and units.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from common.tabular.file_limits import SAVE_AS, Limits, UnreadableFile, what_it_is

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
    what = what_it_is(content)
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


def csv_records(content: bytes, limits: Limits):
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
