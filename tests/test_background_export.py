"""An export of more rows than EXPORT_BACKGROUND_ROWS is built by a worker: the user is taken to its page,
sees how far it got, is told in the inbox when it is ready, and downloads the file; nobody else can."""

import csv
import io

import pytest
from django.urls import reverse

from hrddp.models import Notification
from portfolio import background_exports, exports
from portfolio.models import BackgroundExport
from tests.portfolio_data import bulk_portfolio


@pytest.fixture
def many(office_a, office_b, settings):
    settings.EXPORT_BACKGROUND_ROWS = 5
    bulk_portfolio(office_a, 12)
    bulk_portfolio(office_b, 3)


@pytest.fixture
def start(client, django_capture_on_commit_callbacks):
    def start(user, kind="engagements", fmt="csv", **params):
        client.force_login(user)
        # The worker's task is sent once the request's transaction commits; here it runs in place then.
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(reverse("list_export", args=[kind, fmt]), params)

    return start


def test_a_large_export_is_built_in_the_background_and_downloaded_by_who_asked(client, start, many, pm, monkeypatch):
    # Given parts of four rows, to see the progress move
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)

    # When the project manager exports their office's twelve engagements
    response = start(pm)

    # Then they are taken to the export's page, which the worker (run in place here) finished
    export = BackgroundExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_status", args=[export.pk])
    assert (export.status, export.total, export.done) == ("done", 12, 12)
    page = client.get(response["Location"]).content.decode()
    assert "Download the CSV file" in page and 'http-equiv="refresh"' not in page
    note = Notification.objects.get(user=pm, dedupe_key=f"export:{export.pk}:{pm.pk}")
    assert note.url == reverse("export_status", args=[export.pk])

    # And the file holds the twelve rows of their office, in the list's order
    download = client.get(reverse("export_download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 13


def test_the_progress_is_recorded_part_by_part(many, pm, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    export = BackgroundExport.objects.create(user=pm, kind="engagements", fmt="csv", total=12)
    steps = []
    real = exports.list_export

    def watching(**kwargs):
        progress = kwargs.pop("progress")

        def record(done, total):
            steps.append((done, total))
            progress(done, total)

        return real(progress=record, **kwargs)

    monkeypatch.setattr(exports, "list_export", watching)
    background_exports.background_export_build(export_id=export.pk)

    assert steps == [(0, 12), (5, 12), (10, 12), (12, 12)]


def test_while_it_is_being_built_the_page_shows_the_progress_and_refreshes(client, pm):
    export = BackgroundExport.objects.create(
        user=pm, kind="engagements", fmt="xlsx", total=200, done=50, status=BackgroundExport.Status.RUNNING
    )
    client.force_login(pm)

    page = client.get(reverse("export_status", args=[export.pk])).content.decode()

    assert '<progress max="200" value="50">' in page and "50 of 200 rows (25 %)" in page
    assert 'http-equiv="refresh"' in page
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404


@pytest.mark.parametrize("who", ["com", "hq", "outsider", "auditor"])
def test_anyone_but_who_asked_is_told_it_does_not_exist(client, start, many, pm, request, who):
    start(pm)
    export = BackgroundExport.objects.get()
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("export_status", args=[export.pk])).status_code == 404
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404


def test_a_failed_export_says_why_and_what_to_do(client, start, many, pm, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "list_export", broken)

    response = start(pm)

    export = BackgroundExport.objects.get()
    assert export.status == "failed" and "Try again" in export.error
    page = client.get(response["Location"]).content.decode()
    assert "could not be built" in page and "narrow the filters" in page
    assert Notification.objects.filter(user=pm, title="Your export could not be built").exists()


def test_the_filters_given_are_applied_again_within_what_the_user_sees(client, start, many, hq, office_b):
    response = start(hq, office=office_b.pk)

    assert response.status_code == 200  # three rows: under the threshold, built at once
    response = start(hq)
    export = BackgroundExport.objects.get()
    assert export.total == 15 and export.done == 15


def test_a_small_export_is_still_built_at_once(start, pm, office_a, settings):
    settings.EXPORT_BACKGROUND_ROWS = 2000
    bulk_portfolio(office_a, 3)

    response = start(pm)

    assert response.status_code == 200 and not BackgroundExport.objects.exists()
