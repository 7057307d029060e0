"""The optional virus scan: ClamAV's daemon over its socket (INSTREAM), when CLAMAV_SOCKET names one.

Without the setting nothing is scanned. With it, a file is kept only when clamd answers that it is clean: a file
found infected is refused, and so is every file while the scanner cannot be reached (a scan that was meant to run and
did not is no scan).
"""

from __future__ import annotations

import socket
import struct

from django.conf import settings
from django.utils.translation import gettext as _

from evidence.content_check import FileRefused

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30


def _connect(address: str) -> socket.socket:
    if address.startswith("tcp://"):
        host, _sep, port = address[len("tcp://"):].rpartition(":")
        return socket.create_connection((host, int(port)), timeout=TIMEOUT_SECONDS)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT_SECONDS)
    sock.connect(address)
    return sock


def scan(data: bytes) -> None:
    """Raise FileRefused unless the scanner (if one is configured) finds the bytes clean."""
    address = getattr(settings, "CLAMAV_SOCKET", "")
    if not address:
        return
    try:
        with _connect(address) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except (OSError, ValueError):
        raise FileRefused(_("The virus scanner cannot be reached; the file was not kept. Try again later.")) from None
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("OK"):
        return
    if answer.endswith("FOUND"):
        found = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        raise FileRefused(_("The virus scanner found %(what)s in the file; it was not kept.") % {"what": found})
    raise FileRefused(_("The virus scanner could not scan the file; it was not kept."))
