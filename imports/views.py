"""Import pages: upload and dry run, confirm, templates. Views parse input, call a service and render.

Only users whose role may import (project managers) reach them; anyone else gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.tabular.uploads import UploadSizeCap
from hrddp import access
from imports import services
from imports.forms import ImportUploadForm
from imports.importers import ACCEPTED_VALUES, IMPORTERS, import_countries
from imports.staging import TOKEN_MAX_AGE


def _kinds() -> list[dict]:
    return [
        {
            "kind": kind, "label": services.KIND_LABELS[kind], "columns": importer.columns,
            "accepted": ACCEPTED_VALUES[kind],
        }
        for kind, importer in IMPORTERS.items()
    ]


# CSRF is checked by _import_upload, once the size cap is the first upload handler: the middleware's own check
# reads the request body, after which the handlers can no longer change (Django's documented pattern).
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    access.require_import(request.user)
    size_cap = UploadSizeCap(request)
    request.upload_handlers.insert(0, size_cap)
    return _import_upload(request, size_cap)


@csrf_protect
def _import_upload(request, size_cap: UploadSizeCap):
    kind = request.GET.get("kind")
    data, uploaded = request.POST, request.FILES  # the body is read here, through the size cap
    form = ImportUploadForm(
        data or None, uploaded or None, initial={"kind": kind if kind in IMPORTERS else None},
        refused_upload=size_cap.refused,
    )
    if request.method == "POST" and form.is_valid():
        outcome = services.import_dry_run(
            kind=form.cleaned_data["kind"], user=request.user, upload=form.cleaned_data["file"]
        )
        if not outcome.problem:
            return render(
                request, "imports/dry_run.html",
                {
                    "outcome": outcome, "kind_label": services.KIND_LABELS[outcome.kind],
                    "max_minutes": TOKEN_MAX_AGE // 60,
                },
            )
        form.add_error("file", outcome.problem)
    elif request.method == "POST" and form.too_large and form.cleaned_data.get("kind"):
        # Refused before it was read; the attempt is in the audit trail all the same.
        name, size = form.too_large
        services.import_upload_refused(
            kind=form.cleaned_data["kind"], user=request.user, file_name=name, size=size,
            problem=" ".join(form.errors["file"]),
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/upload.html", {"form": form, "kinds": _kinds()}, status=status)


@login_required
@require_POST
def import_confirm(request):
    access.require_import(request.user)
    outcome = services.import_confirm(
        user=request.user, token=request.POST.get("token", ""), kind=request.POST.get("kind", "")
    )
    if outcome.imported:
        escalated = outcome.extra.get("escalated")
        note = (
            f" {escalated} grave violation{'s' if escalated != 1 else ''} with substantial grounds alerted the "
            "Chief of Mission and HQ." if escalated else ""
        )
        messages.success(request, f"Imported {outcome.noun} from “{outcome.file_name}”: {outcome.summary()}.{note}")
        return redirect(f"{reverse('import_upload')}?kind={outcome.kind}")
    if outcome.problem:
        return render(request, "imports/refused.html", {"outcome": outcome}, status=400)
    return render(
        request, "imports/dry_run.html",
        {"outcome": outcome, "kind_label": services.KIND_LABELS[outcome.kind], "refused": True},
        status=409,
    )


@login_required
@require_GET
def import_template(request, kind, file_format):
    access.require_import(request.user)
    if kind not in IMPORTERS or file_format not in services.CONTENT_TYPES:
        raise Http404("No such template.")
    countries = sorted(import_countries(request.user).values())
    content, content_type, file_name = services.import_template_build(
        kind=kind, file_format=file_format, country=countries[0] if countries else ""
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
