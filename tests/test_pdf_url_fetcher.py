"""What a PDF (a letter, a case or incident record, a report) may load while it is rendered:
the app's own static files and data: URIs, nothing else (no file://, no http(s)://)."""

from pathlib import Path

import pytest
from django.conf import settings

from common.pdf import PdfResourceRefused, pdf_url_fetcher


def _served(url: str) -> bytes:
    response = pdf_url_fetcher()(url)
    try:
        return response.read()
    finally:
        response.close()


def test_it_serves_the_letter_stylesheet_from_the_apps_static_files():
    expected = (Path(settings.BASE_DIR) / "static" / "css" / "letters.css").read_bytes()

    response = pdf_url_fetcher()("/static/css/letters.css")

    assert response.read() == expected
    assert response.content_type == "text/css"
    response.close()


def test_it_serves_another_static_file_of_the_app():
    assert b"--un-dark" in _served("/static/css/app.css")


def test_it_serves_a_data_uri():
    assert _served("data:text/plain;base64,SFJERFA=") == b"HRDDP"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file:///work/main/static/css/letters.css",
    "http://example.org/logo.png",
    "https://example.org/static/css/letters.css",
    "http://127.0.0.1:8000/static/css/letters.css",
    "ftp://example.org/letters.css",
    "//example.org/static/css/letters.css",
])
def test_it_refuses_any_url_outside_the_apps_static_files(url):
    with pytest.raises(PdfResourceRefused):
        pdf_url_fetcher()(url)


@pytest.mark.parametrize("url", [
    "/static/../config/settings.py",
    "/static/%2e%2e/config/settings.py",
    "/static/css/../../manage.py",
    "/static/",
    "/media/letters/2026/AAA-HRDDP-2026-0001.pdf",
    "/etc/passwd",
    "/static/css/no-such-file.css",
])
def test_it_refuses_paths_that_are_not_a_static_file(url):
    with pytest.raises(PdfResourceRefused):
        pdf_url_fetcher()(url)
