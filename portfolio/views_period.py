"""The portfolio report for a chosen period (P¶24). Views parse input, call a service and render.

The form offers only the offices and countries the user sees; anything else is a
field error, and the report itself covers only what the user may see.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.pdf import pdf_response
from hrddp import access
from monitoring.quarters import quarter_of
from portfolio.forms_period import PeriodReportForm
from portfolio.period_figures import period_report_data
from portfolio.period_report import period_report_render_pdf


@login_required
@require_GET
def portfolio_period_report(request):
    """The form; once submitted with a valid period, the report as a PDF download.

    GET, since making the report changes nothing: a report's address can be kept and asked again."""
    today = timezone.localdate()
    offices = access.visible_offices(request.user).order_by("name")
    bound = any(name in request.GET for name in ("start", "end", "office", "country"))
    last_quarter = quarter_of(today).previous()
    form = PeriodReportForm(
        request.GET if bound else None, offices=offices, today=today,
        initial={"start": last_quarter.start, "end": last_quarter.end},
    )
    if bound and form.is_valid():
        data = period_report_data(
            user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"],
            office=form.cleaned_data["office"], country=form.cleaned_data["country"],
        )
        return pdf_response(period_report_render_pdf(data=data), filename=data.filename, inline=False)
    return render(request, "portfolio/period_report_form.html", {"form": form}, status=400 if bound else 200)
