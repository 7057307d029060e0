"""The one way the app makes a PDF (letters, case records, incident records, reports) and serves it.

pdf_render() turns HTML into PDF bytes with WeasyPrint. While rendering, a PDF
fetches only the app's own static files (its stylesheets) and data: URIs: a
template, or text typed into it, can never make the server read a local file
or call another host. pdf_response() serves the bytes to the one user who asked,
never to a shared cache, with the recorded checksum of stored bytes.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

# Relative URLs in a PDF's HTML ("/static/...") reach the URL fetcher as they
# are: this base has a scheme urljoin does not resolve against, and it is no
# origin the fetcher would ever serve.
BASE_URL = "hrddp-pdf:"


class PdfResourceRefused(ValueError):
    """A PDF asked for a resource other than the app's own static files."""


def _static_prefix() -> str:
    return urlsplit(settings.STATIC_URL).path or "/static/"


def static_path_url(name: str) -> str:
    """The URL of a static file as the URL fetcher serves it: STATIC_URL's path and the file's own name.

    Templates get their stylesheets this way rather than with {% static %}: the
    unhashed path is found by the fetcher whatever the static storage, where a
    {% static %} URL carries the manifest's hash when DEBUG is off."""
    return f"{_static_prefix()}{name}"


def _static_path(url: str) -> str:
    """The file behind an app static URL such as /static/css/letters.css, found like collectstatic finds it."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise PdfResourceRefused(f"PDFs load only the app's own static files, not {url!r}.")
    prefix = _static_prefix()
    path = unquote(parts.path)
    if not path.startswith(prefix):
        raise PdfResourceRefused(f"PDFs load only the app's own static files, not {url!r}.")
    relative = path[len(prefix):]
    segments = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative or any(s in ("", ".", "..") for s in segments):
        raise PdfResourceRefused(f"Not a static file: {url!r}.")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation as exc:
        raise PdfResourceRefused(f"Not a static file: {url!r}.") from exc
    if not found:
        raise PdfResourceRefused(f"No such static file: {url!r}.")
    return found


@functools.cache
def _fetcher_class():
    # WeasyPrint is imported on first use: it takes most of a second and needs
    # the system's Pango, which nothing but PDFs does.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnlyFetcher(URLFetcher):
        """Serves the app's own static files (/static/...) and data: URIs; refuses every other URL:
        file://, http(s)://, ftp:// and the rest."""

        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_path(url)
            with open(path, "rb") as stream:
                body = stream.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    return StaticFilesOnlyFetcher


def pdf_url_fetcher() -> URLFetcher:
    """The URL fetcher every PDF is rendered with (see StaticFilesOnlyFetcher)."""
    return _fetcher_class()()


def pdf_render(html: str) -> bytes:
    """The HTML (a template extending pdf/base.html) as PDF bytes."""
    progress = logging.getLogger("weasyprint.progress")
    if progress.level == logging.NOTSET:
        # Ten INFO lines per document otherwise; LOGGING may still set another level.
        progress.setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=pdf_url_fetcher()).write_pdf()


# Anything but letters, digits and . _ - becomes "-": a reference such as
# DRV/HRDDP/2026/0001 has slashes, and a quote or a line break would break the header.
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def pdf_filename(name: str) -> str:
    """A file name safe inside Content-Disposition's quotes."""
    return _UNSAFE_IN_FILENAME.sub("-", name)


def pdf_response(content: bytes, *, filename: str, inline: bool = True, sha256: str = "") -> HttpResponse:
    """The PDF for the user who asked: shown in the browser (inline) or downloaded, never kept by a shared cache.

    `sha256` is given for stored bytes (an issued letter, a quarterly report): the checksum recorded when they
    were made, sent as X-Content-SHA256 so that whoever downloads them can check they are the very bytes."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{pdf_filename(filename)}"'
    response["Content-Length"] = str(len(content))
    # A PDF holds what this user may see.
    response["Cache-Control"] = "private, no-store"
    if sha256:
        response["X-Content-SHA256"] = sha256
    return response
