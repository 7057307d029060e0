"""The files the evidence tests upload (this file holds no test): each built when the test runs, none a binary
fixture."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.base import ContentFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack("!IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb(megabytes: int = 40) -> bytes:
    """A Word document one of whose parts unfolds from a few kilobytes to `megabytes` MB of zeros."""
    return docx({"word/media/padding.bin": b"\x00" * (megabytes * 1024 * 1024)})


EML = (
    b"From: Focal Point <focal.point@interior.example>\r\n"
    b"To: pm@office.example\r\n"
    b"Subject: Reply to letter DAR-2026-004\r\n"
    b"Date: Mon, 2 Nov 2026 09:00:00 +0000\r\n"
    b"\r\n"
    b"The Ministry acknowledges the letter.\r\n"
)

TEXT = b"Notes of the meeting at the Kael crossing, 3 November.\n"


def upload(name: str, data: bytes) -> ContentFile:
    """A file as a service receives it, with the name exactly as sent (a request's parser would cut a path off)."""
    return ContentFile(data, name=name)
