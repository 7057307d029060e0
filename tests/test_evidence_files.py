"""Keeping an evidence file on a record: the type read from the bytes, the name checked, the size capped, office
documents' archives bounded; each refusal says why and stores nothing; a kept file carries who, when, its SHA-256 and
size, and is audited; a withdrawal is recorded and keeps the bytes."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from evidence import content_check
from evidence.content_check import FileRefused
from evidence.models import EvidenceFile
from evidence.services import evidence_file_add, evidence_file_withdraw
from hrddp.models import AuditAction, AuditEntry
from tests.evidence_files import EML, PDF, TEXT, docx, odt, png, upload, zip_bomb
from tests.test_incident_helpers import force, log  # noqa: F401 - fixtures


def _stored_names() -> set[str]:
    try:
        folders, _ = default_storage.listdir("evidence")
    except FileNotFoundError:
        return set()
    names = set()
    for year in folders:
        for engagement_folder in default_storage.listdir(f"evidence/{year}")[0]:
            names |= {f"{year}/{engagement_folder}/{n}" for n in default_storage.listdir(f"evidence/{year}/{engagement_folder}")[1]}
    return names


def _add(pm, target, name, data, description="MOU signed with the recipient", **kwargs):
    return evidence_file_add(by=pm, target=target, upload=upload(name, data), description=description, **kwargs)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("mou.pdf", PDF, "application/pdf"),
        ("crossing.png", png(), "image/png"),
        ("deed.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("deed.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("reply.eml", EML, "message/rfc822"),
        ("notes.txt", TEXT, "text/plain"),
    ],
)
def test_a_file_of_each_kept_kind_is_kept_with_its_checksum_size_and_type_read_from_its_content(
    pm, engagement, name, data, content_type
):
    # when the project manager uploads it to the engagement
    item = _add(pm, engagement, name, data)

    # then it is kept with what identifies it, its bytes intact in the storage
    item.refresh_from_db()
    assert (item.original_name, item.content_type, item.size) == (name, content_type, len(data))
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.uploaded_by == pm and item.engagement == engagement and item.target == engagement
    with item.file.open("rb") as stream:
        assert stream.read() == data
    assert name not in item.file.name  # stored under a random name, never the user's


def test_a_kept_file_is_audited_in_the_same_transaction(pm, engagement):
    item = _add(pm, engagement, "mou.pdf", PDF)

    entry = AuditEntry.objects.get(engagement=engagement, action=AuditAction.ADD_EVIDENCE_FILE)
    assert entry.actor == pm
    assert entry.details["file"] == item.pk and entry.details["sha256"] == item.sha256
    assert "mou.pdf" in entry.justification and "MOU signed with the recipient" in entry.justification


def test_the_same_name_twice_is_two_files_and_neither_overwrites_the_other(pm, engagement):
    first = _add(pm, engagement, "mou.pdf", PDF)
    second = _add(pm, engagement, "mou.pdf", PDF + b"% v2\n", description="MOU, amended")

    assert first.file.name != second.file.name
    with first.file.open("rb") as stream:
        assert stream.read() == PDF


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.pdf", b"", "is empty"),
        ("photo.pdf", png(), "is named .pdf but its content is a PNG image"),
        ("program.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "is not a kind of file kept as evidence"),
        ("../../etc/passwd.pdf", PDF, "contains a path"),
        ("C:\\Users\\pm\\mou.pdf", PDF, "contains a path"),
        ("folder/mou.pdf", PDF, "contains a path"),
        ("bomb.docx", zip_bomb(), "compression bomb"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100, "archive is damaged"),
        ("plain.zip", b"", "is empty"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_stored(pm, engagement, name, data, says):
    before = _stored_names()

    with pytest.raises(FileRefused) as refused:
        _add(pm, engagement, name, data)

    assert says in refused.value.message
    assert not EvidenceFile.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ADD_EVIDENCE_FILE).exists()
    assert _stored_names() == before


def test_a_file_over_the_size_cap_is_refused_naming_the_cap(pm, engagement, settings):
    settings.EVIDENCE_MAX_BYTES = 1024

    with pytest.raises(FileRefused) as refused:
        _add(pm, engagement, "scan.pdf", PDF + b"0" * 2048)

    assert "files of up to 1.0\xa0KB are kept" in refused.value.message
    assert not EvidenceFile.objects.exists()


def test_an_office_document_unfolding_past_the_total_cap_is_refused(pm, engagement, settings):
    # given a cap on what a document may unfold to of 1 MB, and a document of two ordinary 700 kB parts
    settings.EVIDENCE_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data = docx({"word/a.xml": b"<a/>" * 180_000, "word/b.xml": b"<b/>" * 180_000})

    with pytest.raises(FileRefused) as refused:
        _add(pm, engagement, "large.docx", data)

    assert "more than the 1 MB allowed" in refused.value.message


def test_a_zip_that_is_no_office_document_is_refused(pm, engagement):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ")

    with pytest.raises(FileRefused):
        _add(pm, engagement, "letter.docx", out.getvalue())


def test_a_description_is_required(pm, engagement):
    with pytest.raises(ValidationError) as refused:
        _add(pm, engagement, "mou.pdf", PDF, description="  ")

    assert "description" in refused.value.message_dict
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("who", ["hq", "auditor", "outsider"])
def test_only_the_project_manager_and_chief_of_mission_add_files(request, engagement, who):
    with pytest.raises(PermissionDenied):
        _add(request.getfixturevalue(who), engagement, "mou.pdf", PDF)
    assert not EvidenceFile.objects.exists()


def test_a_file_on_an_incident_is_confidential_unless_said_otherwise(pm, engagement):
    incident = log(engagement, pm)

    photo = _add(pm, incident, "photo.png", png(), description="Photo of the checkpoint")
    report = _add(pm, incident, "report.pdf", PDF, description="Press report", confidential=False)

    assert photo.confidential is True and report.confidential is False
    entry = AuditEntry.objects.filter(action=AuditAction.ADD_EVIDENCE_FILE).order_by("pk").first()
    # the trail names no confidential file: its name and description may identify a victim
    assert "photo.png" not in entry.justification and "checkpoint" not in entry.justification


def test_a_withdrawal_is_recorded_with_who_and_why_and_keeps_the_bytes(pm, com, engagement):
    item = _add(pm, engagement, "mou.pdf", PDF)

    evidence_file_withdraw(by=com, file=item, reason="The unsigned draft; the signed copy follows.")

    item.refresh_from_db()
    assert item.withdrawn_by == com and item.withdrawn_at is not None and item.withdrawn_role == "chief_of_mission"
    assert item.withdrawn_reason == "The unsigned draft; the signed copy follows."
    with item.file.open("rb") as stream:
        assert stream.read() == PDF
    entry = AuditEntry.objects.get(action=AuditAction.REMOVE_EVIDENCE_FILE)
    assert entry.actor == com and "unsigned draft" in entry.justification


def test_a_withdrawal_needs_a_reason_and_happens_once(pm, engagement):
    item = _add(pm, engagement, "mou.pdf", PDF)

    with pytest.raises(ValidationError):
        evidence_file_withdraw(by=pm, file=item, reason="")
    evidence_file_withdraw(by=pm, file=item, reason="Wrong file")
    with pytest.raises(ValidationError):
        evidence_file_withdraw(by=pm, file=item, reason="Again")
    assert AuditEntry.objects.filter(action=AuditAction.REMOVE_EVIDENCE_FILE).count() == 1


@pytest.mark.parametrize("who", ["hq", "auditor", "outsider"])
def test_only_the_project_manager_and_chief_of_mission_withdraw(request, pm, engagement, who):
    item = _add(pm, engagement, "mou.pdf", PDF)

    with pytest.raises(PermissionDenied):
        evidence_file_withdraw(by=request.getfixturevalue(who), file=item, reason="No")


@pytest.mark.parametrize(
    "name", ["..", ".", "a/b.pdf", "a\\b.pdf", "D:mou.pdf", "mou\x00.pdf"],
)
def test_a_name_with_a_path_is_refused(name):
    with pytest.raises(FileRefused):
        content_check.clean_name(name)


def test_control_characters_are_dropped_from_a_name():
    assert content_check.clean_name("mou\r\n.pdf") == "mou.pdf"
