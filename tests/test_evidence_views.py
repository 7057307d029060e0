"""The evidence pages: uploading from a record's page, downloading (access asked every time, as an attachment the
browser does not sniff), withdrawing; an outsider gets 404 everywhere, a reader's role 403 on writes, a confidential
file needs the engagement's confidential grant."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceFile
from evidence.services import evidence_file_add, evidence_file_withdraw
from hrddp.models import AuditAction, AuditEntry
from tests.evidence_files import PDF, png, upload
from tests.test_incident_helpers import force, grant, log  # noqa: F401 - fixtures


def _upload_url(engagement):
    return reverse("evidence_upload", args=[engagement.pk])


def _post(client, user, engagement, *, target="engagement", target_id=None, name="mou.pdf", data=PDF, **fields):
    client.force_login(user)
    return client.post(_upload_url(engagement), {
        "target": target, "target_id": target_id or engagement.pk, "description": "MOU with the recipient",
        "file": SimpleUploadedFile(name, data), "next": reverse("engagement_detail", args=[engagement.pk]), **fields,
    })


def _raw_multipart(client, user, engagement, filename: str, data: bytes):
    """A request whose file name is sent exactly as given (the test client would cut a path off it)."""
    client.force_login(user)
    boundary = "evidenceboundary"
    parts = []
    for key, value in {"target": "engagement", "target_id": str(engagement.pk), "description": "MOU"}.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.generic(
        "POST", _upload_url(engagement), b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )


def _kept(pm, target, name="mou.pdf", data=PDF, **kwargs):
    return evidence_file_add(by=pm, target=target, upload=upload(name, data), description="Signed MOU", **kwargs)


def _download(client, user, item):
    client.force_login(user)
    return client.get(reverse("evidence_download", args=[item.engagement_id, item.pk]))


# --- Uploading ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "com"])
def test_the_project_manager_or_chief_of_mission_uploads_a_file_to_the_engagement(request, client, engagement, who):
    response = _post(client, request.getfixturevalue(who), engagement)

    assert response.status_code == 302
    assert response["Location"] == reverse("engagement_detail", args=[engagement.pk])
    item = EvidenceFile.objects.get()
    assert item.original_name == "mou.pdf" and item.target == engagement


def test_an_outsider_uploading_gets_404_and_nothing_is_kept(client, outsider, engagement):
    assert _post(client, outsider, engagement).status_code == 404
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("who", ["hq", "auditor"])
def test_readers_uploading_get_403_and_nothing_is_kept(request, client, engagement, who):
    response = _post(client, request.getfixturevalue(who), engagement)

    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


def test_a_record_of_another_engagement_is_not_found(client, pm, engagement, engagement_b):
    assert _post(client, pm, engagement, target="engagement", target_id=engagement_b.pk).status_code == 404
    assert _post(client, pm, engagement, target="nonsense", target_id="x").status_code == 404


def test_a_wrong_type_behind_a_pdf_name_is_refused_on_the_page_and_nothing_is_kept(client, pm, engagement):
    response = _post(client, pm, engagement, name="scan.pdf", data=png())

    assert response.status_code == 400
    assert "is named .pdf but its content is a PNG image" in response.content.decode()
    assert "Nothing was stored" in response.content.decode()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("filename", ["../../etc/passwd.pdf", "C:\\\\Users\\\\pm\\\\mou.pdf", "reports/mou.pdf", ".."])
def test_a_file_name_sent_with_a_path_is_refused(client, pm, engagement, filename):
    response = _raw_multipart(client, pm, engagement, filename, PDF)

    assert response.status_code == 400
    assert "contains a path" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_an_upload_over_the_cap_is_stopped_while_it_arrives_and_refused(client, pm, engagement, settings):
    settings.EVIDENCE_MAX_BYTES = 100 * 1024

    response = _post(client, pm, engagement, name="big.pdf", data=PDF + b"0" * 300 * 1024)

    assert response.status_code == 400
    assert "files of up to 100.0\xa0KB are kept" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_an_empty_file_is_refused(client, pm, engagement):
    response = _post(client, pm, engagement, name="empty.pdf", data=b"")

    assert response.status_code == 400
    assert not EvidenceFile.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(pm, engagement):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = _post(client, pm, engagement)

    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


# --- Downloading -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_whoever_sees_the_engagement_downloads_its_file_as_an_attachment(request, client, pm, engagement, who):
    item = _kept(pm, engagement)

    response = _download(client, request.getfixturevalue(who), item)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="mou.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_an_outsider_downloading_gets_404(client, pm, outsider, engagement):
    item = _kept(pm, engagement)

    assert _download(client, outsider, item).status_code == 404


def test_a_file_is_not_found_under_another_engagement(client, pm, engagement, engagement_b):
    item = _kept(pm, engagement)
    client.force_login(pm)

    assert client.get(reverse("evidence_download", args=[engagement_b.pk, item.pk])).status_code == 404


def test_a_confidential_file_is_downloaded_only_with_the_confidential_grant(client, pm, com, engagement):
    incident = log(engagement, pm)
    item = _kept(pm, incident, name="photo.png", data=png())
    assert item.confidential

    # without the grant neither the project manager nor the Chief of Mission reads it: as if it were not there
    assert _download(client, pm, item).status_code == 404
    assert _download(client, com, item).status_code == 404
    # with it, they do
    grant(com, engagement)
    assert _download(client, com, item).status_code == 200


def test_access_is_asked_at_every_download(client, pm, com, engagement):
    incident = log(engagement, pm)
    item = _kept(pm, incident, name="photo.png", data=png())
    grant(com, engagement)
    assert _download(client, com, item).status_code == 200

    from guardian.shortcuts import remove_perm

    remove_perm("hrddp.view_confidential", com, engagement)
    assert _download(client, com, item).status_code == 404


def test_a_withdrawn_file_is_read_by_auditors_only(client, pm, auditor, engagement):
    item = _kept(pm, engagement)
    evidence_file_withdraw(by=pm, file=item, reason="Wrong file")

    assert _download(client, pm, item).status_code == 404
    assert _download(client, auditor, item).status_code == 200


# --- Withdrawing -------------------------------------------------------------------------------------------


def test_the_project_manager_withdraws_a_file_with_a_reason(client, pm, engagement):
    item = _kept(pm, engagement)
    client.force_login(pm)
    url = reverse("evidence_withdraw", args=[engagement.pk, item.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Superseded by the signed copy"})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.withdrawn_reason == "Superseded by the signed copy"
    assert AuditEntry.objects.filter(action=AuditAction.REMOVE_EVIDENCE_FILE).count() == 1


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("hq", 403), ("auditor", 403)])
def test_others_withdrawing_are_refused(request, client, pm, engagement, who, status):
    item = _kept(pm, engagement)
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("evidence_withdraw", args=[engagement.pk, item.pk]), {"reason": "No"})

    assert response.status_code == status
    item.refresh_from_db()
    assert item.withdrawn_at is None


# --- On the records' pages ---------------------------------------------------------------------------------


def test_the_engagement_page_lists_its_files_and_offers_the_upload_to_the_project_manager(client, pm, auditor, engagement):
    _kept(pm, engagement)
    client.force_login(pm)

    content = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()

    assert "Evidence files" in content and "mou.pdf" in content and "Signed MOU" in content
    assert reverse("evidence_upload", args=[engagement.pk]) in content
    client.force_login(auditor)
    content = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "mou.pdf" in content
    assert reverse("evidence_upload", args=[engagement.pk]) not in content


def test_the_incident_page_hides_confidential_files_without_the_grant(client, pm, com, engagement):
    incident = log(engagement, pm)
    _kept(pm, incident, name="photo.png", data=png())
    _kept(pm, incident, name="press.pdf", confidential=False)
    url = reverse("incident_detail", args=[engagement.pk, incident.pk])
    client.force_login(com)

    content = client.get(url).content.decode()
    assert "press.pdf" in content and "photo.png" not in content
    assert "1 confidential file is shown only to holders" in content

    grant(com, engagement)
    content = client.get(url).content.decode()
    assert "photo.png" in content


def test_the_letter_and_case_pages_carry_their_files(client, pm, engagement):
    from tests.builders import issue_notification_letter, open_case

    letter = issue_notification_letter(engagement)
    case = open_case(engagement)
    _kept(pm, letter, name="signed-copy.pdf")
    _kept(pm, case, name="authority-reply.pdf", confidential=False)
    client.force_login(pm)

    letter_page = client.get(reverse("letter_detail", args=[engagement.pk, letter.pk])).content.decode()
    case_page = client.get(reverse("case_detail", args=[engagement.pk, case.pk])).content.decode()

    assert "signed-copy.pdf" in letter_page and "authority-reply.pdf" not in letter_page
    assert "authority-reply.pdf" in case_page and "signed-copy.pdf" not in case_page


def test_the_plan_page_carries_each_measures_proof(client, pm, engagement):
    from tests.builders import add_measure, complete_plan

    complete_plan(engagement, target_factors=False, include_gpraf=False)
    measure = add_measure(engagement, title="Vetting of the unit's commanders")
    _kept(pm, measure, name="vetting-report.pdf")
    client.force_login(pm)

    content = client.get(reverse("mitigation_plan", args=[engagement.pk])).content.decode()

    assert "Proof of the measures" in content and "vetting-report.pdf" in content
    assert f'<option value="{measure.pk}">Vetting of the unit' in content


@pytest.mark.parametrize("count", [2, 20])
def test_the_engagement_pages_query_count_does_not_grow_with_its_files(
    client, pm, com, engagement, count, django_assert_max_num_queries
):
    for n in range(count):
        _kept(pm, engagement, name=f"file-{n}.pdf")
    evidence_file_withdraw(by=pm, file=EvidenceFile.objects.first(), reason="Wrong file")
    client.force_login(com)

    with django_assert_max_num_queries(32):
        response = client.get(reverse("engagement_detail", args=[engagement.pk]))

    assert response.content.decode().count('<li class="evidence-file') == count
