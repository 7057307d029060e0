"""The optional virus scan: without CLAMAV_SOCKET nothing is scanned; with it, each upload is streamed to clamd
(INSTREAM) and kept only when clamd answers OK. The daemon here is a small stand-in speaking clamd's protocol on a
Unix socket, started by the test."""

import socket
import struct
import threading

import pytest

from evidence import clamav
from evidence.content_check import FileRefused
from evidence.models import EvidenceFile
from evidence.services import evidence_file_add
from tests.evidence_files import PDF, upload

EICAR_MARK = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class FakeClamd:
    """Answers INSTREAM like clamd: FOUND for content holding the EICAR mark, OK otherwise."""

    def __init__(self, path):
        self.path = str(path)
        self.received: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                assert self._read(conn, 10) == b"zINSTREAM\0"
                content = b""
                while True:
                    (size,) = struct.unpack("!L", self._read(conn, 4))
                    if size == 0:
                        break
                    content += self._read(conn, size)
                self.received.append(content)
                reply = b"stream: Eicar-Test-Signature FOUND\0" if EICAR_MARK in content else b"stream: OK\0"
                conn.sendall(reply)

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(tmp_path, settings):
    fake = FakeClamd(tmp_path / "clamd.sock")
    settings.CLAMAV_SOCKET = fake.path
    yield fake
    fake.close()


def test_without_a_scanner_configured_nothing_is_scanned_and_the_file_is_kept(settings, pm, engagement):
    settings.CLAMAV_SOCKET = ""

    clamav.scan(PDF)  # no socket is opened

    evidence_file_add(by=pm, target=engagement, upload=upload("mou.pdf", PDF), description="MOU")
    assert EvidenceFile.objects.count() == 1


def test_a_clean_file_is_streamed_to_the_scanner_and_kept(clamd, pm, engagement):
    data = PDF + b"x" * 200_000  # several INSTREAM chunks

    evidence_file_add(by=pm, target=engagement, upload=upload("mou.pdf", data), description="MOU")

    assert clamd.received == [data]
    assert EvidenceFile.objects.count() == 1


def test_an_infected_file_is_refused_naming_what_was_found_and_nothing_is_kept(clamd, pm, engagement):
    data = b"Minutes of the meeting.\n" + EICAR_MARK + b"\n"

    with pytest.raises(FileRefused) as refused:
        evidence_file_add(by=pm, target=engagement, upload=upload("minutes.txt", data), description="Minutes")

    assert "found Eicar-Test-Signature" in refused.value.message
    assert not EvidenceFile.objects.exists()


def test_while_the_scanner_cannot_be_reached_every_file_is_refused(tmp_path, settings, pm, engagement):
    settings.CLAMAV_SOCKET = str(tmp_path / "nobody-listens.sock")

    with pytest.raises(FileRefused) as refused:
        evidence_file_add(by=pm, target=engagement, upload=upload("mou.pdf", PDF), description="MOU")

    assert "cannot be reached" in refused.value.message
    assert not EvidenceFile.objects.exists()
