"""Uploading, downloading and withdrawing evidence files. Every download asks access again: nothing is served from a
public URL, and the bytes go out as an attachment the browser will not sniff or render in the app's origin."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.http.multipartparser import MultiPartParser
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.tabular.uploads import UploadSizeCap
from evidence import content_check, selectors, services, targets
from evidence.content_check import FileRefused
from hrddp import access
from hrddp.http import safe_next


class _NameKeepingParser(MultiPartParser):
    """Django's parser, remembering each file's name as sent: the parser cuts a path off a name, and a name that
    came with one ("../../x.pdf", "C:\\Users\\x.pdf") is refused rather than silently kept under its last part."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_names: list[str] = []

    def sanitize_file_name(self, file_name):
        self.sent_names.append(file_name)
        return super().sanitize_file_name(file_name)


def _parse(request) -> list[str]:
    """Read the request's form and files through the upload handlers; the file names as sent."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("multipart/form-data"):
        return []
    parser = _NameKeepingParser(request.META, request, request.upload_handlers, request.encoding)
    request._post, request._files = parser.parse()
    return parser.sent_names


class EvidenceSizeCap(UploadSizeCap):
    """The import page's size cap, at the evidence files' own limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.EVIDENCE_MAX_BYTES


def _back(request, engagement) -> str:
    """The page the form was on (its `next`), if it is one of this site's; else the engagement's page."""
    wanted = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, wanted) or reverse("engagement_detail", args=[engagement.pk])


def _refused(request, engagement, errors, status=400):
    return render(
        request, "evidence/refused.html", {"engagement": engagement, "errors": errors, "back": _back(request, engagement)},
        status=status,
    )


# CSRF is checked by _upload, once the size cap is the first upload handler (as on the import page).
@csrf_exempt
@login_required
@require_POST
def evidence_upload(request, pk):
    size_cap = EvidenceSizeCap(request)
    request.upload_handlers.insert(0, size_cap)
    sent_names = _parse(request)  # the body is read here, through the size cap
    return _upload(request, pk, size_cap, sent_names)


@csrf_protect
def _upload(request, pk, size_cap, sent_names):
    perms = access.engagement_for_request(request, pk)
    engagement = perms.engagement
    data, files = request.POST, request.FILES
    target = targets.find(data.get("target"), data.get("target_id"), engagement)
    if target is None:
        raise Http404("No such record on this engagement.")
    if not access.may_add_evidence(request.user, engagement):
        return _refused(request, engagement, [_("Your role does not add evidence files to this engagement.")], 403)
    if size_cap.refused:
        name, size = size_cap.refused
        return _refused(request, engagement, [
            _("The file %(name)s is over %(max)s: files of up to %(max)s are kept.")
            % {"name": name, "max": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        ])
    for name in sent_names:
        try:
            content_check.clean_name(name)
        except FileRefused as exc:
            return _refused(request, engagement, [exc.message])
    confidential = data.get("confidential") == "on" if "confidential_shown" in data else None
    try:
        item = services.evidence_file_add(
            by=request.user, target=target, upload=files.get("file"), description=data.get("description", ""),
            confidential=confidential,
        )
    except FileRefused as exc:
        return _refused(request, engagement, [exc.message])
    except ValidationError as exc:
        return _refused(request, engagement, exc.messages)
    messages.success(request, _("Kept %(name)s (SHA-256 %(sha)s…).") % {"name": item.original_name, "sha": item.sha256[:12]})
    return redirect(_back(request, engagement))


@login_required
@require_safe
def evidence_download(request, pk, file_pk):
    engagement = access.engagement_for_request(request, pk).engagement
    item = selectors.file_for_download(request.user, engagement, file_pk)
    if item is None:
        raise Http404("No such file.")
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Evidence-SHA256"] = item.sha256
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evidence_withdraw(request, pk, file_pk):
    perms = access.engagement_for_request(request, pk)
    engagement = perms.engagement
    item = selectors.file_for_download(request.user, engagement, file_pk)
    if item is None or item.is_withdrawn:
        raise Http404("No such file.")
    if not access.may_withdraw_evidence(request.user, engagement):
        return _refused(request, engagement, [_("Your role does not withdraw evidence files on this engagement.")], 403)
    errors, status = [], 200
    if request.method == "POST":
        try:
            services.evidence_file_withdraw(by=request.user, file=item, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            errors, status = exc.messages, 400
        else:
            messages.success(request, _("%(name)s withdrawn; its bytes are kept for the audit.") % {"name": item.original_name})
            return redirect(_back(request, engagement))
    return render(
        request, "evidence/withdraw.html",
        {"engagement": engagement, "file": item, "errors": errors, "back": _back(request, engagement),
         "reason": request.POST.get("reason", "")},
        status=status,
    )

