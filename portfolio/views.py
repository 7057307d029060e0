"""The dashboard, the lists across engagements, and their exports. Views parse input, call a service and render.

Every list starts from what the user may see (portfolio.queries over hrddp.access); a filter can only
narrow it. Exports take the same filters and need the export permission (403 without it).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hrddp import access
from hrddp.forms import DateField
from portfolio import background_exports, exports
from portfolio import dashboard as dashboards
from portfolio.lists import LIST_PERMISSION, LISTS, ListKind, filtered

PAGE_SIZE = 50


def _headers(request, kind: ListKind) -> list[dict]:
    """Column headings with the link that sorts by them (a second click reverses the order)."""
    current = request.GET.get("sort", "")
    headers = []
    for label, key in kind.columns:
        if not key:
            headers.append({"label": label})
            continue
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if current == key else key
        headers.append({
            "label": label, "url": f"?{query.urlencode()}",
            "sorted": "ascending" if current == key else "descending" if current == f"-{key}" else "",
        })
    return headers


def _list_page(request, name: str, decorate=None, **extra):
    kind = LISTS[name]
    filterset, rows = filtered(request, kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if decorate is not None:
        for row in page:
            decorate(row)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, kind.template,
        {
            "title": kind.title, "kind": name, "filter": filterset, "form": filterset.form, "page": page,
            "headers": _headers(request, kind), "query": query.urlencode(),
            "sees_every_office": access.sees_every_office(request.user),
            "may_export": access.may_export(request.user),
            **extra,
        },
        status=400 if filterset.is_bound and not filterset.form.is_valid() else 200,
    )


@login_required
@require_GET
def engagement_list(request):
    return _list_page(
        request, "engagements",
        can_open=access.may_open_request(request.user),
    )


@login_required
@require_GET
def incident_overview(request):
    return _list_page(request, "incidents")


@login_required
@require_GET
def measure_overview(request):
    return _list_page(request, "measures")


@login_required
@require_GET
def letter_overview(request):
    return _list_page(request, "letters")


@login_required
@require_GET
def audit_trail(request):
    """Every decision and change recorded, as auditors, HQ and each office's Chief of Mission read them."""
    access.require_audit_trail(request.user)
    def decorate(entry):
        entry.detail_pairs = exports.audit_details(entry.details)

    return _list_page(request, "audit", decorate=decorate)


@login_required
@require_GET
def list_export(request, kind, fmt):
    """The filtered list as CSV or XLSX: the rows the user sees, nothing more."""
    if kind not in LISTS or fmt not in exports.FORMATS:
        raise Http404("No such export.")
    LIST_PERMISSION.get(kind, lambda user: None)(request.user)
    access.require_export(request.user)
    filterset, rows = filtered(request, LISTS[kind])
    if filterset.is_bound and not filterset.form.is_valid():
        return _list_page(request, kind)
    count = rows.count()
    if count > background_exports.background_rows():
        # Too many rows to build while the user waits: a worker builds it, and its page shows how far it got.
        if count > exports.MAX_ROWS:
            return _export_refused(request, kind, str(exports.ExportTooLarge(count)))
        export = background_exports.background_export_start(
            by=request.user, kind=kind, fmt=fmt, query=request.GET.urlencode(), total=count,
        )
        return redirect("export_status", pk=export.pk)
    try:
        content, content_type, extension = exports.list_export(kind=kind, fmt=fmt, queryset=rows, user=request.user)
    except exports.ExportTooLarge as exc:
        return _export_refused(request, kind, str(exc))
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="hrddp-{kind}-{stamp}.{extension}"'
    return response


def _export_refused(request, kind, reason):
    query = request.GET.urlencode()
    back = reverse(LISTS[kind].url_name) + (f"?{query}" if query else "")
    return render(request, "portfolio/export_refused.html", {"reason": reason, "back": back}, status=400)


@login_required
@require_GET
def export_status(request, pk):
    """How far an export being built got; the file once it is ready. The page refreshes itself until then."""
    export = background_exports.export_of_user_or_none(request.user, pk)
    if export is None:
        raise Http404("No such export.")
    kind = LISTS.get(export.kind)
    back = reverse(kind.url_name) + (f"?{export.query}" if export.query else "") if kind else reverse("dashboard")
    return render(request, "portfolio/export_status.html", {"export": export, "title": kind.title if kind else "", "back": back})


@login_required
@require_GET
def export_download(request, pk):
    export = background_exports.export_of_user_or_none(request.user, pk)
    if export is None or export.status != export.Status.DONE or not export.file:
        raise Http404("No such export.")
    content_type = exports.FORMATS[export.fmt]().get_content_type()
    response = FileResponse(export.file.open("rb"), content_type=content_type, as_attachment=True,
                            filename=export.file.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DashboardForm(forms.Form):
    office = forms.ModelChoiceField(queryset=None, required=False, empty_label="All offices")
    country = forms.ChoiceField(required=False)
    start = DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = access.visible_offices(user)
        self.fields["office"].queryset = offices
        self.fields["country"].choices = [("", "All countries"), *((c, c) for c in access.countries_of(offices))]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the period is before its start.")
        elif start and end and (end - start).days > 366 * 5:
            self.add_error("start", "Choose a period of at most five years.")
        return data


@login_required
@require_GET
def dashboard(request):
    form = DashboardForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    start, end = dashboards.default_period(today)
    office, country, status = None, "", 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            office, country = data["office"], data["country"]
            # One end given alone: the other defaults around it.
            end = data["end"] or max(end, data["start"] or end)
            start = data["start"] or min(start, end.replace(day=1))
        else:
            status = 400
    if not form.is_bound:
        form = DashboardForm(initial={"start": start, "end": end}, user=request.user)
    scope = dashboards.Scope(user=request.user, start=start, end=end, office=office, country=country)
    data = dashboards.dashboard_build(scope=scope, today=today)
    return render(
        request, "portfolio/dashboard.html",
        {"form": form, "data": data, "sees_every_office": access.sees_every_office(request.user)},
        status=status,
    )
