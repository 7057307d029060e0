"""Quarterly indicators of one engagement (T/Box 6) and the stored quarterly reports.

Views parse input, call a service and render. Another office's engagement, or a
report of another engagement, is 'not found' (404); entering figures is for the
office's project manager (hrddp.access.may_prepare), anyone else gets 403; the stored
portfolio reports are for HQ and auditors (hrddp.access.may_read_portfolio_reports).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from common.pdf import pdf_response
from hrddp import access
from hrddp.models import Engagement
from monitoring import indicators, reports
from monitoring.forms_indicators import IndicatorForm
from monitoring.models import IndicatorMeasurement, IndicatorReport, PortfolioReport
from monitoring.quarters import Quarter, parse_quarter, quarter_of

_WITH_PARTS = Engagement.objects.select_related("office", "project", "recipient")


def _quarter(label: str) -> Quarter:
    """The quarter a label such as 2026-Q3 names; 404 for anything else."""
    try:
        quarter = parse_quarter(label)
    except (ValueError, TypeError):
        raise Http404("No such quarter.") from None
    if quarter.label != label:
        raise Http404("No such quarter.")
    return quarter


@login_required
@require_GET
def indicator_list(request, pk):
    """The ten indicators of the current quarter beside the previous ones, and the entry form for the
    quarter whose figures are due."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    today = timezone.localdate()
    table = indicators.indicator_table(engagement=engagement, quarter=quarter_of(today))
    may_enter = perms.may_prepare
    started = table.support_started
    open_quarters = indicators.entry_quarters(engagement=engagement, started=started, today=today)
    entered = set(
        IndicatorMeasurement.objects.filter(
            engagement=engagement, quarter_start__in=[q.start for q in open_quarters]
        ).values_list("quarter_start", flat=True)
    ) if open_quarters else set()
    to_enter = indicators.quarter_to_enter(engagement=engagement, started=started, entered=entered, today=today)
    open_starts = {q.start for q in open_quarters}
    return render(
        request, "monitoring/indicator_list.html",
        {
            "engagement": engagement, "table": table, "today": today, "current": quarter_of(today),
            "may_enter": may_enter, "open_starts": open_starts, "to_enter": to_enter if may_enter else None,
            "form": IndicatorForm() if may_enter and to_enter else None,
            "reports_count": IndicatorReport.objects.filter(engagement=engagement).count(),
            "unfounded_note": indicators.UNFOUNDED_NOTE, "period_note": indicators.PERIOD_NOTE,
        },
    )


def _count_rows(engagement, quarter) -> list[tuple[int, str, int]]:
    counts = indicators.indicator_counts(engagement_ids=[engagement.pk], quarters=[quarter])[(engagement.pk, quarter.start)]
    return [
        (number, indicators.COUNT_LABELS[key], getattr(counts, key))
        for number, key in enumerate(indicators.COUNT_KEYS, start=1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def indicator_entry(request, pk, quarter):
    """Enter, or change, the project manager's five figures of one quarter."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    perms.require_prepare()
    the_quarter = _quarter(quarter)
    today = timezone.localdate()
    started = indicators.support_started_on(engagement)
    refusal = indicators.entry_refusal(engagement=engagement, quarter=the_quarter, started=started, today=today)
    measurement = IndicatorMeasurement.objects.filter(
        engagement=engagement, quarter_start=the_quarter.start
    ).select_related("entered_by").first()
    report = IndicatorReport.objects.filter(engagement=engagement, quarter_start=the_quarter.start).first()
    context = {
        "engagement": engagement, "quarter": the_quarter, "measurement": measurement, "report": report,
        "refusal": refusal,
        "counts": _count_rows(engagement, the_quarter), "unfounded_note": indicators.UNFOUNDED_NOTE,
    }
    if refusal:
        # Nothing to enter for this quarter; say why rather than show a form that cannot be saved.
        return render(
            request, "monitoring/indicator_entry.html", context, status=400 if request.method == "POST" else 404
        )
    form = IndicatorForm(
        request.POST if request.method == "POST" else None, initial=IndicatorForm.initial_from(measurement)
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicators.indicator_measurement_enter(
                engagement=engagement, quarter=the_quarter, figures=form.figures(),
                notes=form.cleaned_data["notes"], by=request.user, today=today,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verb = "changed" if measurement else "entered"
            messages.success(request, f"The indicators of {the_quarter.label} were {verb}.")
            return redirect("indicators", pk=engagement.pk)
    context["form"] = form
    return render(
        request, "monitoring/indicator_entry.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_GET
def indicator_report_list(request, pk):
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    items = [
        (report, quarter_of(report.quarter_start))
        for report in IndicatorReport.objects.filter(engagement=engagement).order_by("-quarter_start")
    ]
    return render(request, "monitoring/report_list.html", {"engagement": engagement, "reports": items})


@login_required
@require_GET
def indicator_report_pdf(request, pk, report_pk):
    """The stored PDF: the very bytes whose SHA-256 is recorded."""
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    report = get_object_or_404(IndicatorReport, pk=report_pk, engagement=engagement)
    try:
        content = reports.report_stored_pdf(report=report)
    except reports.ReportStoredPdfMismatch as exc:
        return render(
            request, "monitoring/report_list.html",
            {"engagement": engagement, "reports": [(report, quarter_of(report.quarter_start))], "refusal": str(exc)},
            status=500,
        )
    label = quarter_of(report.quarter_start).label
    return pdf_response(
        content, filename=f"indicators-{engagement.reference}-{label}.pdf", inline=False, sha256=report.sha256
    )


# --- HQ's portfolio reports (not tied to one engagement) -----------------------------------------


@login_required
@require_GET
def portfolio_report_list(request):
    access.require_portfolio_reports(request.user)
    items = [(report, quarter_of(report.quarter_start)) for report in PortfolioReport.objects.order_by("-quarter_start")]
    return render(request, "monitoring/report_portfolio_list.html", {"reports": items})


@login_required
@require_GET
def portfolio_report_pdf(request, report_pk):
    access.require_portfolio_reports(request.user)
    report = get_object_or_404(PortfolioReport, pk=report_pk)
    try:
        content = reports.report_stored_pdf(report=report)
    except reports.ReportStoredPdfMismatch as exc:
        return render(
            request, "monitoring/report_portfolio_list.html",
            {"reports": [(report, quarter_of(report.quarter_start))], "refusal": str(exc)}, status=500,
        )
    return pdf_response(
        content, filename=f"portfolio-{quarter_of(report.quarter_start).label}.pdf", inline=False, sha256=report.sha256
    )
