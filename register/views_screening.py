"""The screenings of names of an engagement's activities (T/Action 5 §6): the list, a new screening (a pasted
list or a CSV/XLSX file), a screening's lines with their matches, the resolving of a match, and the CSV.

Everyone who sees the engagement reads them; its project manager or Chief of Mission screens and resolves
(others get 403, an outsider 404 on every page). Views parse, call register.screening, render."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from common.csv_safety import csv_safe
from common.tabular.file_limits import Limits, megabytes, too_large
from common.tabular.uploads import UploadSizeCap
from hrddp import access
from hrddp.models import Engagement
from register import screening as services
from register.models import NameScreening, NameScreeningLine, ScreeningDecision, ScreeningResult

LINES_PER_PAGE = 100
# Which lines a screening's page shows: those that need a look first.
SHOW = {
    "attention": ("Possible matches and flagged", Q(outcome__in=[ScreeningResult.POSSIBLE, ScreeningResult.FLAGGED])),
    "undecided": ("Not yet resolved", Q(outcome__in=[ScreeningResult.POSSIBLE, ScreeningResult.FLAGGED], decision="")),
    "red": ("Red", Q(outcome=ScreeningResult.FLAGGED)),
    "amber": ("Amber", Q(outcome=ScreeningResult.POSSIBLE)),
    "green": ("Green", Q(outcome=ScreeningResult.CLEAR)),
    "all": ("All lines", Q()),
}
DEFAULT_SHOW = "attention"

_WITH_PARTS = Engagement.objects.select_related("office", "recipient")


def _screening_or_404(engagement: Engagement, screening_pk) -> NameScreening:
    screening = (
        NameScreening.objects.filter(pk=screening_pk, activity__engagement=engagement)
        .select_related("activity", "created_by")
        .first()
    )
    if screening is None:
        raise Http404("No such screening.")
    return screening


# --- The list ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def screening_list(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    screenings = (
        NameScreening.objects.filter(activity__engagement=engagement)
        .select_related("activity", "created_by")
        .annotate(
            lines_count=Count("lines"),
            green=Count("lines", filter=Q(lines__outcome=ScreeningResult.CLEAR)),
            amber=Count("lines", filter=Q(lines__outcome=ScreeningResult.POSSIBLE)),
            red=Count("lines", filter=Q(lines__outcome=ScreeningResult.FLAGGED)),
            to_resolve=Count(
                "lines", filter=Q(lines__outcome__in=[ScreeningResult.POSSIBLE, ScreeningResult.FLAGGED],
                                  lines__decision=""),
            ),
        )
        .order_by("-created_at", "-pk")
    )
    return render(
        request, "register/screening_list.html",
        {
            "engagement": engagement, "screenings": screenings, "activities": engagement.activities.all(),
            "may_screen": perms.may_prepare_or_decide,
        },
    )


# --- A new screening ---------------------------------------------------------------------------------------


class ScreeningForm(forms.Form):
    activity = forms.ChoiceField(
        label="For the activity", error_messages={"required": "Choose the activity the list is for.",
                                                  "invalid_choice": "Choose the activity the list is for."},
    )
    title = forms.CharField(
        label="Title", max_length=services.TITLE_MAX, help_text="e.g. “Trainees, March course”.",
        error_messages={"required": "Give the list a title, e.g. “Trainees, March course”."},
    )
    text = forms.CharField(
        label="Paste the list", required=False, widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=(
            "One person a line: name; date of birth; unit; rank (a copy from a spreadsheet works as it is). "
            "“LEFEVRE, Etienne” is read as one name. Dates as 1971-03-02, 02/03/1971 (day first) or the year alone. "
            "A first line of column names (name, date of birth, unit, rank; nom, date de naissance, unité, grade) "
            "is read as a header."
        ),
    )
    upload = forms.FileField(label="Or upload a file", required=False, allow_empty_file=True)

    def __init__(self, *args, engagement: Engagement, refused_upload=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = {str(a.pk): a for a in engagement.activities.all()}
        self.fields["activity"].choices = [("", "Choose…")] + [(k, a.description) for k, a in self.activities.items()]
        limits = Limits.from_settings()
        self.upload_limit = limits.upload_bytes
        self.refused_upload = refused_upload
        self.fields["upload"].help_text = (
            f"CSV or XLSX, at most {megabytes(limits.upload_bytes)} and {services.MAX_LINES:,} rows; the first row "
            f"names the columns: {services.COLUMNS_HINT}."
        )

    def clean(self):
        cleaned = super().clean()
        if self.refused_upload:
            self._errors.pop("upload", None)
            self.add_error("upload", too_large(self.refused_upload[1], self.upload_limit))
        return cleaned


def _list_errors(form: ScreeningForm, request) -> None:
    """When the form's own fields are wrong, what is wrong with the list is said at the same time."""
    text = request.POST.get("text", "")
    upload = request.FILES.get("upload")
    if form.refused_upload or (text and upload):
        return
    try:
        if text:
            services.parse_text(text)
        elif upload is not None:
            services.parse_upload(upload)
        else:
            form.add_error("text", "Paste the list of names, or upload a CSV or XLSX file.")
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, errors)


# CSRF is checked by _screening_new, once the size cap is the first upload handler (as on the import page:
# the middleware's own check reads the body, after which the handlers can no longer change).
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    perms.require_prepare_or_decide(
        "Only the project manager or the Chief of Mission of this engagement screens names for its activities."
    )
    size_cap = UploadSizeCap(request)
    request.upload_handlers.insert(0, size_cap)
    return _screening_new(request, perms, size_cap)


@csrf_protect
def _screening_new(request, perms: access.EngagementAccess, size_cap: UploadSizeCap):
    engagement = perms.engagement
    if request.method != "POST":
        activity = request.GET.get("activity", "")
        form = ScreeningForm(engagement=engagement, initial={"activity": activity})
        return render(request, "register/screening_new.html", {"engagement": engagement, "form": form})
    form = ScreeningForm(request.POST, request.FILES, engagement=engagement, refused_upload=size_cap.refused)
    if form.is_valid():
        try:
            screening = services.name_screening_run(
                by=request.user, activity=form.activities[form.cleaned_data["activity"]],
                title=form.cleaned_data["title"], text=form.cleaned_data["text"] or None,
                upload=form.cleaned_data["upload"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            counts = services.screening_counts(screening)
            note = (
                f" Columns not read: {', '.join(screening.ignored_columns)}." if screening.ignored_columns else ""
            )
            messages.success(
                request,
                f"Screened {counts['lines']:,} names: {counts['clear']} clear, {counts['possible']} possible "
                f"matches, {counts['flagged']} excluded or with substantiated allegations.{note}",
            )
            return redirect("name_screening_detail", pk=engagement.pk, screening_pk=screening.pk)
    else:
        _list_errors(form, request)
    if form.errors.get("upload") and request.FILES.get("upload") is not None:
        form.errors["upload"].append("Choose the file again after correcting it.")
    return render(request, "register/screening_new.html", {"engagement": engagement, "form": form}, status=400)


# --- A screening's lines -----------------------------------------------------------------------------------


def _person_url_maker():
    """A link to a matched person: their own page when the app has one, else their recipient's."""
    try:
        reverse("person_detail", args=[1])
    except NoReverseMatch:
        return lambda person_id, recipient_id: (
            reverse("recipient_detail", args=[recipient_id]) if recipient_id else ""
        )
    return lambda person_id, recipient_id: reverse("person_detail", args=[person_id])


def _candidate_view(candidate: dict, url) -> dict:
    flags = [services.FLAG_LABELS[f] for f in candidate.get("flags", ()) if f in services.FLAG_LABELS]
    return {
        "person": candidate.get("person"), "full_name": candidate.get("full_name", ""),
        "matched_name": candidate.get("matched_name", ""), "score": candidate.get("score"),
        "level": candidate.get("level", ""), "reasons": candidate.get("reasons", []),
        "flags": flags, "stops_support": bool(services.STOPS_SUPPORT & set(candidate.get("flags", ()))),
        "birth_year": candidate.get("birth_year"), "choice": f"same:{candidate.get('person')}",
        "url": url(candidate.get("person"), candidate.get("recipient")) if candidate.get("person") else "",
    }


def _line_view(line: NameScreeningLine, url) -> dict:
    candidates = [_candidate_view(c, url) for c in line.candidates if isinstance(c, dict)]
    best = next((c for c in candidates if c["person"] == line.person_id), candidates[0] if candidates else None)
    return {
        "line": line, "colour": services.COLOURS.get(line.outcome, ""),
        "label": services.OUTCOME_LABELS.get(line.outcome, line.outcome),
        "matched_label": services.OUTCOME_LABELS.get(line.result, line.result),
        "best": best, "others": [c for c in candidates if c is not best], "candidates": candidates,
        "resolvable": bool(candidates),
        "decided_person": next((c for c in candidates if c["person"] == line.person_id), None),
    }


@login_required
@require_GET
def screening_detail(request, pk, screening_pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    screening = _screening_or_404(engagement, screening_pk)
    show = request.GET.get("show", DEFAULT_SHOW)
    if show not in SHOW:
        show = DEFAULT_SHOW
    lines = screening.lines.filter(SHOW[show][1]).select_related("decided_by").order_by("line_number")
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    url = _person_url_maker()
    return render(
        request, "register/screening_detail.html",
        {
            "engagement": engagement, "screening": screening, "counts": services.screening_counts(screening),
            "rows": [_line_view(line, url) for line in page.object_list], "page": page, "show": show,
            "show_choices": [(key, label) for key, (label, _) in SHOW.items()],
            "may_resolve": perms.may_prepare_or_decide,
        },
    )


# --- Resolving a line --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def screening_line_resolve(request, pk, screening_pk, line_pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    screening = _screening_or_404(engagement, screening_pk)
    line = screening.lines.filter(pk=line_pk).select_related("decided_by").first()
    if line is None:
        raise Http404("No such line.")
    perms.require_prepare_or_decide(
        "Only the project manager or the Chief of Mission of this engagement resolves the matches of a screening."
    )
    show = request.POST.get("show") or request.GET.get("show") or DEFAULT_SHOW
    show = show if show in SHOW else DEFAULT_SHOW
    errors: dict[str, list[str]] = {}
    choice, reason = "", ""
    if request.method == "POST":
        choice, reason = request.POST.get("choice", ""), request.POST.get("reason", "")
        decision, person_id = _parse_choice(choice)
        try:
            line = services.screening_line_resolve(
                by=request.user, line=line, decision=decision, reason=reason[:5000], person_id=person_id,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, f"Line {line.line_number}, {line.name}: {services.OUTCOME_LABELS[line.outcome].lower()}.")
            target = reverse("name_screening_detail", args=[engagement.pk, screening.pk])
            return redirect(f"{target}?show={show}#line-{line.line_number}")
    row = _line_view(line, _person_url_maker())
    return render(
        request, "register/screening_resolve.html",
        {
            "engagement": engagement, "screening": screening, "row": row, "errors": errors, "choice": choice,
            "reason": reason, "show": show, "may_resolve": True,
        },
        status=400 if errors else 200,
    )


def _parse_choice(choice: str) -> tuple[str, int | None]:
    """"same:<person id>" or "not" from the form's radio buttons; anything else is no decision."""
    if choice == "not":
        return ScreeningDecision.NOT_SAME_PERSON, None
    if choice.startswith("same:") and choice[5:].isdigit() and len(choice) < 25:
        return ScreeningDecision.SAME_PERSON, int(choice[5:])
    return "", None


# --- The CSV -----------------------------------------------------------------------------------------------

CSV_HEADERS = [
    "Line", "Name", "Date of birth", "Year of birth", "Unit", "Rank", "Result as matched", "Outcome", "Colour",
    "Matched person", "Person id", "Score", "Name that matched", "What matched", "Known against the person",
    "Other candidates", "Decision", "Reason", "Decided by", "Decided at",
]


@login_required
@require_GET
def screening_export(request, pk, screening_pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    screening = _screening_or_404(perms.engagement, screening_pk)
    if not access.may_export(request.user):
        raise PermissionDenied("Your role does not take lists out of the app.")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    url = _person_url_maker()
    for line in screening.lines.select_related("decided_by").order_by("line_number"):
        row = _line_view(line, url)
        best = row["best"]
        others = "; ".join(f"{c['full_name']} ({c['score']})" for c in row["others"])
        writer.writerow([csv_safe(value) for value in (
            line.line_number, line.name, line.birth_date.isoformat() if line.birth_date else "",
            line.birth_year or "", line.unit, line.rank, row["matched_label"], row["label"], row["colour"],
            best["full_name"] if best else "", best["person"] if best else "", best["score"] if best else "",
            best["matched_name"] if best else "", "; ".join(best["reasons"]) if best else "",
            "; ".join(best["flags"]) if best else "", others, line.get_decision_display() if line.decision else "",
            line.decision_reason, str(line.decided_by) if line.decided_by else "",
            line.decided_at.isoformat(timespec="minutes") if line.decided_at else "",
        )])
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screening-{screening.pk}.csv"'
    return response
