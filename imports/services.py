"""Imports from CSV and XLSX: the dry run, the confirm, and the templates.

A dry run checks every row and writes nothing but its audit entry; when every row passes, the
file is kept on the server and the confirm form carries a signed token naming it (tied to the
user, with the file's SHA-256). The confirm checks the rows again and writes them all in one
transaction with its audit entry, or none of them: a refused confirm keeps its audit entry only.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import tablib
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction

from common.tabular import file_limits, file_table
from hrddp.access import require_import
from hrddp.models import AuditEntry, User
from hrddp.services import audit_record
from imports import staging
from imports.importers import (
    IMPORTERS,
    FileProblem,
    Importer,
    IncidentsImporter,
    PersonsImporter,
    RecipientsImporter,
    RowReport,
)
from register import screening_index

logger = logging.getLogger(__name__)

KIND_LABELS = {
    "recipients": "Recipients with their commands and units",
    "persons": "Persons of interest with their other names and command periods",
    "incidents": "Incidents",
    "allegations": "Allegations against persons of interest",
}


@dataclass
class ImportOutcome:
    """What a dry run or a confirm found: a report per row, or why the whole file was refused."""

    kind: str
    file_name: str = ""
    sha256: str = ""
    rows: list[RowReport] = field(default_factory=list)
    problem: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    would_escalate: int = 0
    extra: dict = field(default_factory=dict)
    token: str = ""
    imported: bool = False

    def _count(self, result: str) -> int:
        return sum(1 for row in self.rows if row.result == result)

    @property
    def new(self) -> int:
        return self._count("new")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def errors(self) -> int:
        return self._count("error")

    @property
    def error_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.result == "error"]

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.rows) and not self.errors

    @property
    def noun(self) -> str:
        importer = IMPORTERS.get(self.kind)
        return importer.noun if importer else "records"

    def details(self) -> dict:
        details = {
            "kind": self.kind, "file_name": self.file_name, "sha256": self.sha256, "rows": len(self.rows),
            "new": self.new, "updated": self.updated, "unchanged": self.unchanged, "errors": self.errors,
        }
        if self.problem:
            details["problem"] = self.problem
        if self.error_rows:
            details["error_rows"] = [row.number for row in self.error_rows[:50]]
        return details | self.extra

    def summary(self) -> str:
        return (
            f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''} ({self.new} new, {self.updated} "
            f"{'updated' if self.imported else 'to update'}, {self.unchanged} unchanged)"
        )


class _Refused(Exception):
    def __init__(self, problem: str = ""):
        super().__init__(problem)
        self.problem = problem


def _importer_class(kind: str) -> type[Importer]:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise ValueError(f"Not a kind of import: {kind!r}.") from None


def _source(outcome: ImportOutcome) -> str:
    return f" from “{outcome.file_name}”" if outcome.file_name else ""


def _run(outcome: ImportOutcome, importer: Importer, content: bytes) -> Importer:
    importer.file_name, importer.sha256 = outcome.file_name, outcome.sha256
    try:
        table = file_table.read_table(content, file_format=file_limits.file_format(outcome.file_name))
        importer.run(table)
    except (file_limits.UnreadableFile, FileProblem) as exc:
        outcome.problem = str(exc)
        return importer
    outcome.rows = importer.rows_report()
    outcome.ignored_columns = importer.ignored_columns
    if isinstance(importer, IncidentsImporter):
        outcome.would_escalate = importer.would_escalate()
    return importer


def _sha256_of_upload(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def import_dry_run(*, kind: str, user: User, upload: UploadedFile) -> ImportOutcome:
    """Check every row of the file without writing any; keep the file for its confirm when all pass."""
    require_import(user)
    importer_class = _importer_class(kind)
    outcome = ImportOutcome(kind=kind, file_name=(upload.name or "").rsplit("/", 1)[-1][:200])
    limit = file_limits.Limits.from_settings().upload_bytes
    if upload.size is not None and upload.size > limit:
        outcome.sha256 = _sha256_of_upload(upload)
        outcome.problem = file_limits.too_large(upload.size, limit)
    else:
        content = upload.read()
        outcome.sha256 = staging.sha256_of(content)
        _run(outcome, importer_class(user=user, persist=False), content)
        if outcome.ok:
            outcome.token = staging.staged_file_save(
                user_id=user.pk, kind=kind, file_name=outcome.file_name, content=content,
                file_format=file_limits.file_format(outcome.file_name),
            )
    _audit_dry_run(outcome, user=user)
    return outcome


def import_upload_refused(*, kind: str, user: User, file_name: str, size: int, problem: str) -> ImportOutcome:
    """Record the dry run of a file refused before it was read (too large: the upload stopped it at its cap,
    so there is no SHA-256 to record, only the size that arrived or was announced)."""
    require_import(user)
    _importer_class(kind)
    outcome = ImportOutcome(kind=kind, file_name=file_name.rsplit("/", 1)[-1][:200], problem=problem)
    outcome.extra = {"size": size}
    _audit_dry_run(outcome, user=user)
    return outcome


def _audit_dry_run(outcome: ImportOutcome, *, user: User) -> AuditEntry:
    if outcome.problem:
        justification = f"Dry run of an import of {outcome.noun}{_source(outcome)} refused: {outcome.problem}"
    elif outcome.errors:
        justification = (
            f"Dry run of an import of {outcome.noun}{_source(outcome)}: {len(outcome.rows)} rows, "
            f"{outcome.errors} with errors; nothing can be imported until they are fixed."
        )
    else:
        justification = f"Dry run of an import of {outcome.noun}{_source(outcome)}: {outcome.summary()}; no errors."
    return audit_record(
        engagement=None, actor=user, action=f"import_{outcome.kind}_dry_run", justification=justification,
        details=outcome.details(),
    )


def _staged_or_problem(*, user: User, token: str) -> tuple[staging.Staged | None, str]:
    try:
        staged = staging.staged_file_from_token(token)
    except signing.SignatureExpired:
        _forget_expired(token)
        return None, (
            f"This dry run is more than {staging.TOKEN_MAX_AGE // 60} minutes old: upload the file again "
            "for a new dry run."
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, (
            "This confirmation is not valid: it was altered, or it does not come from this server. "
            "Nothing was imported; upload the file again."
        )
    if staged.user_id != user.pk:
        return None, (
            "This confirmation belongs to someone else's dry run. Nothing was imported; upload the file yourself."
        )
    if staged.kind not in IMPORTERS:
        return None, "This confirmation is not valid. Nothing was imported; upload the file again."
    return staged, ""


def _forget_expired(token: str) -> None:
    """Delete the file of an expired dry run (its token is still genuine, only too old)."""
    try:
        staging.staged_file_delete(staging.staged_file_from_token(token, max_age=None))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        pass


def import_confirm(*, user: User, token: str, kind: str = "") -> ImportOutcome:
    """Check the staged file's rows again and import them all in one transaction, or none.

    `kind` (from the form) names the import in the audit trail only when the token cannot be read."""
    require_import(user)
    staged, problem = _staged_or_problem(user=user, token=token)
    if staged is None:
        outcome = ImportOutcome(kind=kind if kind in IMPORTERS else "", problem=problem)
        _audit_refused(outcome, user=user)
        return outcome
    outcome = ImportOutcome(kind=staged.kind, file_name=staged.file_name, sha256=staged.sha256)
    try:
        with transaction.atomic():
            # One confirm at a time per user: a second click finds the file gone.
            list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
            content = staging.staged_file_read(staged)
            if content is None:
                raise _Refused(
                    "The file of this dry run is no longer on the server: it was imported already, or it expired. "
                    "Upload it again for a new dry run."
                )
            staging.staged_file_delete(staged)
            if staging.sha256_of(content) != staged.sha256:
                raise _Refused("The file kept on the server is not the one the dry run read. Upload it again.")
            importer = _run(outcome, IMPORTERS[staged.kind](user=user, persist=True), content)
            if not outcome.ok:
                raise _Refused()
            outcome.extra = importer.after_rows()
            outcome.imported = True
            if isinstance(importer, (PersonsImporter, RecipientsImporter)):
                # Written in bulk, without signals: the screening's name index of these countries is built again.
                screening_index.bump(*importer.countries.values())
            escalated = outcome.extra.get("escalated")
            audit_record(
                engagement=None, actor=user, action=f"import_{outcome.kind}",
                justification=(
                    f"Imported {outcome.noun}{_source(outcome)}: {outcome.summary()}."
                    + (
                        f" {escalated} grave violation{'s' if escalated != 1 else ''} with substantial grounds "
                        "alerted the Chief of Mission and HQ (P¶25)." if escalated else ""
                    )
                ),
                details=outcome.details(),
            )
    except _Refused as refused:
        outcome.imported = False
        outcome.extra = {}
        if refused.problem:
            outcome.problem = refused.problem
        _audit_refused(outcome, user=user)
    except DatabaseError:
        logger.exception("An import of %s was refused by the database.", outcome.kind)
        outcome.imported = False
        outcome.extra = {}
        outcome.problem = "The database refused the import; nothing was imported. Try again in a moment."
        _audit_refused(outcome, user=user)
    return outcome


def _audit_refused(outcome: ImportOutcome, *, user: User) -> AuditEntry:
    if outcome.problem:
        why = outcome.problem
    else:
        why = (
            f"{outcome.errors} of {len(outcome.rows)} rows have errors (the records changed since the dry run)."
        )
    return audit_record(
        engagement=None, actor=user, action=f"import_{outcome.kind}" if outcome.kind else "import",
        justification=f"Import of {outcome.noun}{_source(outcome)} refused, nothing imported: {why}",
        details=outcome.details() | {"refused": True},
    )


# --- Templates --------------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def import_template_build(*, kind: str, file_format: str, country: str = "") -> tuple[bytes, str, str]:
    """A file with the kind's header row and one example row: (content, content type, file name)."""
    importer_class = _importer_class(kind)
    if file_format not in CONTENT_TYPES:
        raise ValueError(f"Not a template format: {file_format!r}.")
    dataset = tablib.Dataset(headers=[column.label for column in importer_class.columns])
    example = [column.example for column in importer_class.columns]
    if kind == "recipients":
        # A force: the example imports as it is.
        example = ["Darvonian Police Force", country or "Darvonia", "police", "force", ""]
    dataset.append(example)
    if file_format == "csv":
        # With a byte-order mark, spreadsheets open the file as UTF-8 (the "›" of paths).
        content = dataset.export("csv").encode("utf-8-sig")
    else:
        content = dataset.export("xlsx")
    return content, CONTENT_TYPES[file_format], f"{kind}-import-template.{file_format}"
