"""The one PDF response: shown or downloaded under a safe file name, never kept by a shared cache;
and the one PDF page every letter and report extends."""

from pathlib import Path

import pytest
from django.conf import settings

from common.pdf import pdf_response

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_it_is_a_pdf_shown_inline_with_its_length_and_no_store():
    response = pdf_response(b"%PDF-1.7 tiny", filename="DRV-2026-001-case-1.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="DRV-2026-001-case-1.pdf"'
    assert response["Content-Length"] == "13"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"%PDF-1.7 tiny"


def test_a_download_is_an_attachment():
    response = pdf_response(b"%PDF", filename="portfolio-2026-Q3.pdf", inline=False)

    assert response["Content-Disposition"] == 'attachment; filename="portfolio-2026-Q3.pdf"'


def test_stored_bytes_carry_their_recorded_checksum():
    response = pdf_response(b"%PDF", filename="DRV-L-1.pdf", inline=False, sha256="ab" * 32)

    assert response["X-Content-SHA256"] == "ab" * 32
    assert "X-Content-SHA256" not in pdf_response(b"%PDF", filename="draft.pdf")


@pytest.mark.parametrize("name, safe", [
    ("DRV/HRDDP/2026/0001.pdf", "DRV-HRDDP-2026-0001.pdf"),
    ('a"b.pdf', "a-b.pdf"),
    ("a\r\nX-Injected: 1.pdf", "a--X-Injected--1.pdf"),
    ("..\\..\\x.pdf", "..-..-x.pdf"),
])
def test_the_file_name_cannot_break_out_of_its_header(name, safe):
    response = pdf_response(b"%PDF", filename=name)

    assert response["Content-Disposition"] == f'inline; filename="{safe}"'


@pytest.mark.parametrize("template", [
    "interventions/letters/pdf/base_en.html",
    "interventions/letters/pdf/base_fr.html",
    "interventions/pdf/case_record.html",
    "monitoring/incident_pdf.html",
    "monitoring/pdf/indicator_report.html",
    "monitoring/pdf/portfolio_report.html",
    "portfolio/pdf/period_report.html",
])
def test_every_pdf_template_extends_the_one_pdf_page(template):
    assert (TEMPLATES / template).read_text().startswith('{% extends "pdf/base.html" %}')


def test_no_pdf_template_is_left_out_of_the_one_pdf_page():
    """A template named for a PDF (under a pdf/ folder, or *_pdf.html) extends the one PDF page, or a letter
    page that does."""
    letter_pages = {f'{{% extends "interventions/letters/pdf/base_{language}.html" %}}' for language in ("en", "fr")}
    for path in TEMPLATES.rglob("*.html"):
        relative = path.relative_to(TEMPLATES)
        if relative == Path("pdf/base.html") or not ("pdf" in relative.parts[:-1] or path.stem.endswith("_pdf")):
            continue
        if path.name.startswith("_"):
            continue  # a part, included by PDF pages that extend the one page
        first = path.read_text().split("\n", 1)[0]
        assert first.startswith('{% extends "pdf/base.html" %}') or first in letter_pages, relative


def test_every_letter_extends_its_language_letter_page():
    for path in (TEMPLATES / "interventions/letters/pdf").glob("*.html"):
        if path.stem.startswith("base_"):
            continue
        language = path.stem.rsplit("_", 1)[1]
        assert path.read_text().startswith(f'{{% extends "interventions/letters/pdf/base_{language}.html" %}}'), path
