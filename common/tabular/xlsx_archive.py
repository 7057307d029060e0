"""An uploaded XLSX file checked as a ZIP archive before any of it is parsed.

Ten megabytes of ZIP can unfold into gigabytes: the declared sizes and compression ratios are checked first,
then every member is read through a size-capped stream (a directory can lie), and a member holding a document
type declaration is refused. What is not a workbook (an older Office file, a Word document, an OpenDocument
spreadsheet, a file that is no ZIP at all) is named.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from common.tabular.file_limits import SAVE_AS, Limits, UnreadableFile, megabytes, what_it_is

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
        what = what_it_is(content)
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


def checked_archive(content: bytes, limits: Limits) -> zipfile.ZipFile:
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
