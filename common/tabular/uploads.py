"""Stopping an import file at its size cap while it arrives, before it is kept in memory or on disk."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# Room in a request for the import form's other fields (the CSRF token, the kind) around the file.
FORM_FIELDS_ROOM = 64 * 1024


class UploadSizeCap(FileUploadHandler):
    """The first of the import page's upload handlers: a file past IMPORT_MAX_UPLOAD_BYTES is skipped, so the
    handlers after this one (memory, then a temporary file) never keep more than the cap of it; Django reads
    the rest of the request and drops it. `refused` then holds the file's name and size for the form to say so.

    The size shown is the request's when it announces more than the cap and room for the other fields (the
    file is nearly all of it), otherwise what arrived before the cap was crossed."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.IMPORT_MAX_UPLOAD_BYTES
        self.request_size = 0
        self.refused: tuple[str, int] | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_size = content_length or 0
        return None  # the request is parsed as usual

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.request_size > self.limit + FORM_FIELDS_ROOM:
            self._refuse(self.request_size)

    def receive_data_chunk(self, raw_data, start):
        received = start + len(raw_data)
        if received > self.limit:
            self._refuse(received)
        return raw_data  # for the next handler to keep

    def file_complete(self, file_size):
        return None  # the next handler makes the file

    def _refuse(self, size: int):
        self.refused = (self.file_name or "", size)
        raise SkipFile()
