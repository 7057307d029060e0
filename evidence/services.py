"""Adding and withdrawing evidence files: each checks who may, writes its audit entry in the same transaction.

Files may be added at every stage of an engagement, closed ones included: a signed copy or the authority's reply
often arrives after the decision it belongs to.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence import clamav, content_check, targets
from evidence.content_check import FileRefused
from evidence.models import EvidenceFile
from hrddp import access
from hrddp.models import AuditAction, Engagement, User
from hrddp.services import audit_record

logger = logging.getLogger(__name__)

DESCRIPTION_MAX = 500


def _read_capped(upload, limit: int) -> bytes:
    """The upload's bytes, reading at most one byte past the cap (so an oversize file is known without holding it)."""
    upload.seek(0)
    data = upload.read(limit + 1)
    return data


def evidence_file_add(
    *, by: User, target, upload, description: str, confidential: bool | None = None,
) -> EvidenceFile:
    """Keep an uploaded file on `target` (a record that may carry evidence, see evidence.targets).

    Refused with FileRefused (nothing stored) when the file is empty, too large, of a kind not kept, named for another
    kind or with a path, or found infected; PermissionDenied when the user may not add files to the engagement."""
    kind_of_target = targets.target_for(target)
    if kind_of_target is None:
        raise ValidationError({"target": [_("This record does not carry evidence files.")]})
    engagement = Engagement.objects.get(pk=targets.engagement_id_of(target))
    if not access.may_add_evidence(by, engagement):
        raise PermissionDenied(_("Your role does not add evidence files to this engagement."))
    description = " ".join((description or "").split())
    if not description:
        raise ValidationError({"description": [_("Say what the file is (e.g. “MOU signed with the recipient”).")]})
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": [_("Keep the description under %(n)d characters.") % {"n": DESCRIPTION_MAX}]})
    if upload is None:
        raise FileRefused(_("Choose a file to upload."))
    name = content_check.clean_name(getattr(upload, "name", ""))
    data = _read_capped(upload, settings.EVIDENCE_MAX_BYTES)
    name, kind = content_check.check(name, data)
    clamav.scan(data)
    if confidential is None:
        confidential = kind_of_target.confidential_default
    sha256 = hashlib.sha256(data).hexdigest()
    item = EvidenceFile(
        engagement=engagement, target_type=targets.content_type_of(target), target_id=target.pk,
        original_name=name, description=description, content_type=kind.content_type, size=len(data), sha256=sha256,
        confidential=bool(confidential), uploaded_by=by,
    )
    stored = ""
    try:
        with transaction.atomic():
            item.file.save(name, ContentFile(data), save=False)
            stored = item.file.name
            item.save()
            # What the trail says of a confidential file stays neutral: its name and description may name a victim.
            what = (
                _("a confidential file") if item.confidential
                else f"“{name}” ({kind.label}, {filesizeformat(len(data))}): {description}"
            )
            audit_record(
                engagement=engagement, actor=by, action=AuditAction.ADD_EVIDENCE_FILE,
                justification=_("Added %(what)s to %(target)s.") % {"what": what, "target": kind_of_target.label},
                details={"file": item.pk, "sha256": sha256, "size": len(data), "target": kind_of_target.key,
                         "target_id": target.pk, "confidential": item.confidential},
            )
    except Exception:
        if stored:
            # The row was not written: the bytes must not linger unreferenced.
            try:
                item.file.storage.delete(stored)
            except Exception:  # noqa: BLE001 (the original failure is the one to report)
                logger.exception("Could not remove the stored bytes of an evidence file not recorded: %s", stored)
        raise
    return item


def evidence_file_withdraw(*, by: User, file: EvidenceFile, reason: str) -> EvidenceFile:
    """Record that a file no longer stands as evidence (wrong file, superseded); its bytes are kept for the audit."""
    engagement = file.engagement
    if not access.may_withdraw_evidence(by, engagement):
        raise PermissionDenied(_("Your role does not withdraw evidence files on this engagement."))
    if file.confidential and not access.may_see_confidential(by, engagement):
        raise PermissionDenied(_("Only a holder of the confidential access withdraws a confidential file."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the file is withdrawn.")]})
    with transaction.atomic():
        locked = EvidenceFile.objects.select_for_update().get(pk=file.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError({"reason": [_("This file was withdrawn already.")]})
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = by
        locked.withdrawn_role = access.comment_role(by, engagement)
        locked.withdrawn_reason = reason[:2000]
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_role", "withdrawn_reason"])
        name = _("a confidential file") if locked.confidential else f"“{locked.original_name}”"
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.REMOVE_EVIDENCE_FILE,
            justification=_("Withdrew %(name)s: %(reason)s") % {"name": name, "reason": locked.withdrawn_reason},
            details={"file": locked.pk, "sha256": locked.sha256},
        )
    return locked
