"""Reading evidence files: those of a record, or of several records at once, that a user may see."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from evidence.models import EvidenceFile
from hrddp import access


def files_on(records, *, user, engagement) -> tuple[list[EvidenceFile], int]:
    """(the files on these records this user may read, how many confidential ones are hidden), in one query.

    `records` are of one model and all of `engagement`."""
    records = list(records)
    if not records:
        return [], 0
    content_type = ContentType.objects.get_for_model(records[0], for_concrete_model=True)
    files = list(
        EvidenceFile.objects.filter(
            engagement=engagement, target_type=content_type, target_id__in=[r.pk for r in records]
        ).select_related("uploaded_by", "withdrawn_by")
    )
    if any(f.confidential for f in files) and not access.may_see_confidential(user, engagement):
        shown = [f for f in files if not f.confidential]
        return shown, len(files) - len(shown)
    return files, 0


def file_for_download(user, engagement, file_pk) -> EvidenceFile | None:
    """The file `file_pk` of this engagement if this user may read its bytes now, else None (a 404)."""
    try:
        file_pk = int(file_pk)
    except (TypeError, ValueError):
        return None
    item = EvidenceFile.objects.filter(engagement=engagement, pk=file_pk).first()
    if item is None:
        return None
    if not access.may_see_evidence_file(user, engagement, confidential=item.confidential):
        return None
    if item.is_withdrawn and not access.may_read_withdrawn_evidence(user):
        return None
    return item
