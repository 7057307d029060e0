"""The portfolio report of a chosen period (P¶24) as HTML and as a PDF.

What it counts, and over which engagements, is portfolio.period_figures (period_report_data); this
module only lays those figures out on the report's template and stylesheets.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from common.pdf import pdf_render, static_path_url
from monitoring.indicators import COUNT_KEYS, COUNT_LABELS, VIOLATIONS_HEADING
from monitoring.reports import REPORT_STYLESHEET
from portfolio.period_figures import RISK_COLUMNS, PeriodReport

PERIOD_STYLESHEET = "css/period_report.css"


def period_report_html(*, data: PeriodReport) -> str:
    return render_to_string(
        "portfolio/pdf/period_report.html",
        {
            "report": data, "violations_heading": VIOLATIONS_HEADING,
            "risk_columns": [label for _, label in RISK_COLUMNS],
            "indicator_legend": [(n, COUNT_LABELS[key]) for n, key in enumerate(COUNT_KEYS, start=1)],
            "stylesheets": [static_path_url(REPORT_STYLESHEET), static_path_url(PERIOD_STYLESHEET)],
        },
    )


def period_report_render_pdf(*, data: PeriodReport) -> bytes:
    """The report as a PDF (WeasyPrint, fetching nothing but the app's own stylesheets)."""
    return pdf_render(period_report_html(data=data))
