"""Exports too large to build while the user waits (more rows than EXPORT_BACKGROUND_ROWS).

The list's export link starts one: a row records who asked for which list, with which filters; a worker
builds the file, saying how far it got; the user follows it on its own page (which they may leave and come
back to), and is told in their inbox when it is ready. The filters are applied again when it is built,
within what the user sees then. The file is kept for that user alone: anyone else is told it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from hrddp.models import Notification, User
from hrddp.notify import notify
from hrddp.queue import enqueue_after_commit
from portfolio import exports
from portfolio.lists import LIST_PERMISSION, LISTS, filtered
from portfolio.models import BackgroundExport


def background_rows() -> int:
    """Above this many rows an export is built in the background."""
    return getattr(settings, "EXPORT_BACKGROUND_ROWS", 2000)


@dataclass
class _Asked:
    """What the list's filters read of a request: who asks, and the query string."""

    user: User
    GET: QueryDict


# The task that builds an export, handed in by PortfolioConfig.ready() (portfolio.tasks imports this module).
_build_task = None


def exports_built_by(task) -> None:
    global _build_task
    _build_task = task


def background_export_start(*, by: User, kind: str, fmt: str, query: str, total: int) -> BackgroundExport:
    """Record the export asked for, and hand it to a worker once that is committed."""
    with transaction.atomic():
        export = BackgroundExport.objects.create(user=by, kind=kind, fmt=fmt, query=query, total=total)
        enqueue_after_commit(_build_task, export.pk)
    return export


def background_export_build(*, export_id: int) -> BackgroundExport:
    """Build the file of an export (a worker's task): the rows the user sees now, with the filters given."""
    export = BackgroundExport.objects.select_related("user").get(pk=export_id)
    if export.finished:
        return export  # a task delivered twice builds once
    BackgroundExport.objects.filter(pk=export.pk).update(status=BackgroundExport.Status.RUNNING)
    asked = _Asked(user=export.user, GET=QueryDict(export.query))
    try:
        LIST_PERMISSION.get(export.kind, lambda user: None)(export.user)
        filterset, rows = filtered(asked, LISTS[export.kind])

        def progress(done, total):
            BackgroundExport.objects.filter(pk=export.pk).update(done=done, total=total)

        content, _, extension = exports.list_export(
            kind=export.kind, fmt=export.fmt, queryset=rows, user=export.user, progress=progress
        )
    except exports.ExportTooLarge as exc:
        return _failed(export, str(exc))
    except Exception as exc:  # noqa: BLE001 - the user is told it failed and what to do; the log has the rest
        import logging

        logging.getLogger(__name__).exception("Export %s failed", export.pk)
        return _failed(export, f"The export could not be built ({type(exc).__name__}). Try again; if it fails "
                               "again, narrow the filters or tell an administrator.")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    data = content.encode("utf-8") if isinstance(content, str) else content
    with transaction.atomic():
        export.file.save(f"hrddp-{export.kind}-{stamp}-{export.pk}.{extension}", ContentFile(data), save=False)
        export.status, export.finished_at = BackgroundExport.Status.DONE, timezone.now()
        export.done = export.total = max(export.total, BackgroundExport.objects.get(pk=export.pk).done)
        export.save(update_fields=["file", "status", "finished_at", "done", "total"])
        notify(
            [export.user], key=f"export:{export.pk}", kind=Notification.Kind.REPORT,
            title=f"Your export of the {LISTS[export.kind].title.lower()} is ready",
            body=f"{export.total:,} rows as {export.fmt.upper()}.",
            url=reverse("export_status", args=[export.pk]),
        )
    return export


def _failed(export: BackgroundExport, reason: str) -> BackgroundExport:
    with transaction.atomic():
        BackgroundExport.objects.filter(pk=export.pk).update(
            status=BackgroundExport.Status.FAILED, error=reason, finished_at=timezone.now()
        )
        notify(
            [export.user], key=f"export:{export.pk}", kind=Notification.Kind.REPORT,
            title="Your export could not be built", body=reason, url=reverse("export_status", args=[export.pk]),
        )
    export.refresh_from_db()
    return export


def export_of_user_or_none(user: User, pk: int) -> BackgroundExport | None:
    """An export of this user's; another's is as if it did not exist."""
    return BackgroundExport.objects.filter(pk=pk, user=user).first()
