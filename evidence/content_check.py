"""What an uploaded evidence file is, read from its bytes, and whether it may be kept.

The name a file arrives with says nothing of what it holds: the type is taken from the content (the leading bytes of
PDFs and images, the parts inside an office document's ZIP container, the headers of an e-mail), and the name's
extension must agree with it. Office documents are ZIP archives, so their parts are counted and their declared sizes
bounded before anyone opens them: a few kilobytes can unfold into gigabytes in a reader's hands.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from email.parser import BytesHeaderParser

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class FileRefused(Exception):
    """The upload is not kept; `message` says why in the user's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = Kind("application/pdf", "PDF document", (".pdf",))
PNG = Kind("image/png", "PNG image", (".png",))
JPEG = Kind("image/jpeg", "JPEG image", (".jpg", ".jpeg"))
GIF = Kind("image/gif", "GIF image", (".gif",))
WEBP = Kind("image/webp", "WebP image", (".webp",))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", (".docx",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook", (".xlsx",))
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation",
            (".pptx",))
ODT = Kind("application/vnd.oasis.opendocument.text", "OpenDocument text", (".odt",))
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", (".ods",))
ODP = Kind("application/vnd.oasis.opendocument.presentation", "OpenDocument presentation", (".odp",))
TEXT = Kind("text/plain", "plain text", (".txt", ".text", ".md", ".csv", ".log"))
EMAIL = Kind("message/rfc822", "e-mail message", (".eml",))

_BY_MIME = {k.content_type: k for k in (PDF, PNG, JPEG, GIF, WEBP)}
_OOXML_MAIN_PART = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_ODF = {k.content_type: k for k in (ODT, ODS, ODP)}
ALLOWED_EXTENSIONS = sorted({ext for k in (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, TEXT, EMAIL)
                             for ext in k.extensions})

# An office archive's parts, all together once decompressed, and the ratio past which a large part is a bomb.
MAX_ARCHIVE_MEMBERS = 2_000
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
NAME_MAX = 200


def clean_name(name: str) -> str:
    """The file's own name, as a user would read it: refused when it carries a path (a folder, `..`, a drive)."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise FileRefused(_("The file has no name."))
    if "/" in name or "\\" in name or name in {".", ".."} or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        raise FileRefused(_("The file name %(name)s contains a path; give the file's own name only.") % {"name": name[:100]})
    # Control characters would reach headers and pages.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if name.startswith("."):
        raise FileRefused(_("The file name %(name)s is hidden (it starts with a dot).") % {"name": name[:100]})
    stem, ext = os.path.splitext(name)
    if len(name) > NAME_MAX:
        name = stem[: NAME_MAX - len(ext)] + ext
    return name


def _max_uncompressed() -> int:
    return getattr(settings, "EVIDENCE_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)


def _office_kind(data: bytes) -> Kind | None:
    """The office document inside a ZIP container, after bounding what its parts unfold to."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(_("The file looks like an office document but its archive is damaged.")) from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise FileRefused(_("The document holds %(n)d parts, more than the %(max)d an office document has.")
                          % {"n": len(members), "max": MAX_ARCHIVE_MEMBERS})
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > RATIO_CHECKED_ABOVE and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise FileRefused(_("The document unfolds to far more than its size (a compression bomb); it was not kept."))
    if total > _max_uncompressed():
        raise FileRefused(_("The document unfolds to %(mb)d MB once opened, more than the %(max)d MB allowed.")
                          % {"mb": total // (1024 * 1024), "max": _max_uncompressed() // (1024 * 1024)})
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names:
        for part, kind in _OOXML_MAIN_PART.items():
            if part in names:
                return kind
        return None
    if "mimetype" in names:
        try:
            declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            return None
        return _ODF.get(declared)
    return None


def _text(data: bytes) -> str | None:
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None
        controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f")
        return text if controls == 0 else None
    return None


def _is_email(data: bytes) -> bool:
    head = data[:65536]
    if not re.match(rb"^[A-Za-z0-9-]+:", head):
        return False
    headers = BytesHeaderParser().parsebytes(head)
    return bool(headers.get("From")) and bool(headers.get("Date") or headers.get("Subject") or headers.get("Received"))


def detect(data: bytes) -> Kind | None:
    """The kind of file these bytes are, or None when it is none the evidence may be."""
    guess = filetype.guess(data[:8192])
    if guess is not None:
        if guess.mime in _BY_MIME:
            return _BY_MIME[guess.mime]
        if guess.mime == "application/zip" or data.startswith(b"PK\x03\x04"):
            return _office_kind(data)
        return None
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if _text(data) is None:
        return None
    return EMAIL if _is_email(data) else TEXT


def check(name: str, data: bytes) -> tuple[str, Kind]:
    """(the name kept, the kind detected) for an upload, or FileRefused saying why it is not kept."""
    name = clean_name(name)
    if not data:
        raise FileRefused(_("The file %(name)s is empty.") % {"name": name})
    limit = settings.EVIDENCE_MAX_BYTES
    if len(data) > limit:
        raise FileRefused(_("The file %(name)s is over %(max)s: files of up to %(max)s are kept.")
                          % {"name": name, "max": filesizeformat(limit)})
    kind = detect(data)
    if kind is None:
        raise FileRefused(_("%(name)s is not a kind of file kept as evidence: PDF, images (PNG, JPEG, GIF, WebP), office "
                            "documents (Word, Excel, PowerPoint, OpenDocument), plain text or e-mail (.eml).")
                          % {"name": name})
    ext = os.path.splitext(name)[1].lower()
    if ext not in kind.extensions:
        raise FileRefused(_("%(name)s is named %(ext)s but its content is a %(kind)s; rename it %(right)s or upload the "
                            "right file.") % {"name": name, "ext": ext or _("without an extension"), "kind": kind.label,
                                               "right": kind.extensions[0]})
    return name, kind
