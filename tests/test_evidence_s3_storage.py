"""With STORAGE_BACKEND=s3 the files live in an S3-compatible bucket that every web and worker machine shares: an
upload through the page lands in the bucket under its random name, comes back byte for byte through the download
view, and its SHA-256 matches. The server is moto's standalone S3 server on the loopback, a real HTTP server the
storage talks to over the network, started for these tests."""

import hashlib

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from evidence.models import EvidenceFile
from interventions.models import Letter
from monitoring.models import IndicatorReport
from tests.evidence_files import PDF, docx

BUCKET = "hrddp-evidence-test"
CREDENTIALS = {"access_key": "testing-key", "secret_key": "testing-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"], region_name=CREDENTIALS["region_name"],
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, "file_overwrite": False,
                        "default_acl": None, **CREDENTIALS},
        },
    }
    return s3_endpoint


def _bucket_object(endpoint, key) -> bytes:
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"], region_name=CREDENTIALS["region_name"],
    )
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


@pytest.mark.parametrize(("name", "data"), [("mou.pdf", PDF), ("deed.docx", docx())])
def test_an_upload_goes_to_the_bucket_and_comes_back_intact_through_the_download(
    client, pm, engagement, s3_storage, name, data
):
    # given the default storage is the S3 bucket
    from storages.backends.s3 import S3Storage

    client.force_login(pm)

    # when the project manager uploads a file on the engagement's page
    response = client.post(reverse("evidence_upload", args=[engagement.pk]), {
        "target": "engagement", "target_id": engagement.pk, "description": "Deed of donation",
        "file": SimpleUploadedFile(name, data),
    })

    # then it is in the bucket, under its random name, byte for byte
    assert response.status_code == 302
    item = EvidenceFile.objects.get()
    assert isinstance(item.file.storage._wrapped, S3Storage)
    assert _bucket_object(s3_storage, item.file.name) == data
    # and the download view reads it back from there, with the checksum recorded at upload
    download = client.get(reverse("evidence_download", args=[engagement.pk, item.pk]))
    body = b"".join(download.streaming_content)
    assert body == data
    assert hashlib.sha256(body).hexdigest() == item.sha256 == download["X-Evidence-SHA256"]


def test_letters_and_reports_are_kept_in_the_same_storage(s3_storage):
    from storages.backends.s3 import S3Storage

    for model in (Letter, IndicatorReport):
        storage = model._meta.get_field("pdf").storage
        # Both fields name no storage of their own: they use the default one, here the bucket.
        assert storage is default_storage
        storage.exists("probe")  # resolves the lazy storage
        assert isinstance(storage._wrapped, S3Storage)


def test_a_name_written_twice_is_never_overwritten_in_the_bucket(s3_storage):
    first = default_storage.save("evidence/probe/same-name", SimpleUploadedFile("x", b"first"))
    second = default_storage.save("evidence/probe/same-name", SimpleUploadedFile("x", b"second"))

    assert first != second
    assert _bucket_object(s3_storage, first) == b"first"
