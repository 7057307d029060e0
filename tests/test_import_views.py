"""The import pages: upload and dry run, confirm, templates; who may reach them; the confirm token."""

import re

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditEntry, Recipient
from imports.staging import STAGING_FOLDER
from tests.test_import_helpers import RECIPIENT_HEADERS, csv_file, xlsx_file

ROWS = [
    ["Esse Province Command", "Darvonia", "", "command", "Darvonian Police Force"],
    ["Darvonian Police Force", "Darvonia", "police", "force", ""],
]


def _upload(client, upload, kind="recipients"):
    return client.post(reverse("import_upload"), {"kind": kind, "file": upload})


def _token(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the dry run offers no confirm"
    return match.group(1)


def _confirm(client, token, kind="recipients"):
    return client.post(reverse("import_confirm"), {"token": token, "kind": kind})


def _listed() -> set[str]:
    try:
        return set(default_storage.listdir(STAGING_FOLDER)[1])
    except FileNotFoundError:
        return set()


@pytest.fixture
def staged_files():
    """The files staged since the test began (the test storage lives as long as the process)."""
    before = _listed()
    return lambda: sorted(_listed() - before)


@pytest.mark.parametrize("who", ["hq", "com", "auditor"])
def test_roles_that_do_not_import_get_403_on_every_import_page(client, request, who, pm):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("import_upload")).status_code == 403
    assert _upload(client, csv_file(RECIPIENT_HEADERS, ROWS)).status_code == 403
    assert _confirm(client, "anything").status_code == 403
    assert client.get(reverse("import_template", args=["recipients", "csv"])).status_code == 403
    assert not AuditEntry.objects.exists() and not Recipient.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("import_upload"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_upload_page_offers_the_kinds_and_links_the_templates(client, pm):
    client.force_login(pm)
    response = client.get(reverse("import_upload") + "?kind=persons")
    page = response.content.decode()
    assert response.status_code == 200
    for kind in ("recipients", "persons", "incidents"):
        assert reverse("import_template", args=[kind, "xlsx"]) in page
        assert reverse("import_template", args=[kind, "csv"]) in page
    assert re.search(r'value="persons"[^>]* checked', page)


@pytest.mark.parametrize("build", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_dry_run_shows_every_row_and_its_confirm_imports_them(client, pm, build, staged_files):
    client.force_login(pm)
    name = "units.csv" if build is csv_file else "units.xlsx"

    # when the project manager uploads a good file
    response = _upload(client, build(RECIPIENT_HEADERS, ROWS, name=name))

    # then the dry run lists both rows as new, writes nothing, and keeps the file for the confirm
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dry run" in page and 'id="row-2"' in page and 'id="row-3"' in page
    assert page.count(">New</span>") == 2
    assert not Recipient.objects.exists()
    assert len(staged_files()) == 1

    # when they confirm
    response = _confirm(client, _token(response))

    # then both recipients are imported, the staged file is gone, and the page says so
    assert response.status_code == 302
    assert set(Recipient.objects.values_list("name", flat=True)) == {"Esse Province Command", "Darvonian Police Force"}
    assert staged_files() == []
    page = client.get(response["Location"]).content.decode()
    assert f"Imported recipients from “{name}”: 2 rows (2 new, 0 updated, 0 unchanged)." in page


def test_a_dry_run_with_a_bad_row_shows_it_and_offers_no_confirm(client, pm, staged_files):
    client.force_login(pm)
    rows = ROWS + [["Squad", "Darvonia", "", "squad", ""]]
    response = _upload(client, csv_file(RECIPIENT_HEADERS, rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 row cannot be imported" in page
    assert "Row 4</a>" in page and "“squad” is not a level (Force; Command; Unit)." in page
    assert 'name="token"' not in page and staged_files() == []


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: csv_file(["Name", "Level"], [["Police", "force"]]), "The file has no column “Country”."),
        (lambda: csv_file(RECIPIENT_HEADERS, []), "The file has its column names but no rows to import."),
        (lambda: csv_file([], [], name="empty.csv"), "The file is empty."),
        (lambda: csv_file(RECIPIENT_HEADERS, ROWS, name="units.pdf"), "Upload a CSV or XLSX file; this is a .pdf file."),
        (lambda: xlsx_file(RECIPIENT_HEADERS, ROWS, name="units.csv"), "This looks like an XLSX workbook named .csv"),
        (lambda: csv_file(RECIPIENT_HEADERS, ROWS, name="units.xlsx"), "The file cannot be read as an XLSX workbook."),
    ],
    ids=["missing-column", "no-rows", "empty", "not-a-spreadsheet", "xlsx-named-csv", "csv-named-xlsx"],
)
def test_a_file_that_cannot_be_imported_says_why_on_the_upload_page(client, pm, upload, message):
    client.force_login(pm)
    response = _upload(client, upload())
    assert response.status_code == 400
    assert message in response.content.decode()
    # the refused dry run is in the audit trail too
    assert AuditEntry.objects.get().action == "import_recipients_dry_run"


def test_a_tampered_confirm_token_is_refused_and_recorded(client, pm):
    client.force_login(pm)
    token = _token(_upload(client, csv_file(RECIPIENT_HEADERS, ROWS)))
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = _confirm(client, tampered)

    assert response.status_code == 400
    assert "This confirmation is not valid: it was altered" in response.content.decode()
    assert not Recipient.objects.exists()
    refused = AuditEntry.objects.filter(action="import_recipients").get()
    assert refused.details["refused"] is True and "altered" in refused.justification


def test_a_token_is_tied_to_the_user_who_ran_the_dry_run(client, pm, office_a):
    from hrddp.models import Role
    from tests.factories import user_with_role

    colleague = user_with_role(Role.PROJECT_MANAGER, office_a, username="pm2.a")
    client.force_login(pm)
    token = _token(_upload(client, csv_file(RECIPIENT_HEADERS, ROWS)))

    client.force_login(colleague)
    response = _confirm(client, token)

    assert response.status_code == 400
    assert "belongs to someone else&#x27;s dry run" in response.content.decode()
    assert not Recipient.objects.exists()


def test_an_expired_confirm_is_refused_and_its_file_deleted(client, pm, staged_files):
    from imports.services import import_confirm

    client.force_login(pm)
    token = _token(_upload(client, csv_file(RECIPIENT_HEADERS, ROWS)))

    # when the confirm comes two hours later (the session would have ended too: the service is asked)
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2)):
        outcome = import_confirm(user=pm, token=token, kind="recipients")

    assert not outcome.imported and "This dry run is more than 60 minutes old" in outcome.problem
    assert not Recipient.objects.exists() and staged_files() == []


def test_confirming_twice_imports_once(client, pm):
    client.force_login(pm)
    token = _token(_upload(client, csv_file(RECIPIENT_HEADERS, ROWS)))
    assert _confirm(client, token).status_code == 302

    response = _confirm(client, token)

    assert response.status_code == 400
    assert "no longer on the server" in response.content.decode()
    assert Recipient.objects.count() == 2


def test_the_confirm_checks_the_rows_again_and_imports_nothing_when_the_data_changed(client, pm):
    client.force_login(pm)
    force = Recipient.objects.create(name="Darvonian Police Force", country="Darvonia", category="police")
    Recipient.objects.create(name="Esse Province Command", country="Darvonia", category="police", level="command", parent=force)
    rows = [["Unit 5", "Darvonia", "", "unit", "Esse Province Command"], ["Army", "Darvonia", "military", "force", ""]]
    token = _token(_upload(client, csv_file(RECIPIENT_HEADERS, rows)))
    # meanwhile someone records the command as a unit
    Recipient.objects.filter(name="Esse Province Command").update(level="unit")

    response = _confirm(client, token)

    page = response.content.decode()
    assert response.status_code == 409
    assert "The import was refused: nothing was imported" in page
    assert "Parent: A unit cannot sit under a unit." in page
    assert not Recipient.objects.filter(name__in=["Unit 5", "Army"]).exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["recipients", "persons", "incidents"])
def test_each_kind_has_a_template_with_its_header_and_one_example_row(client, pm, kind, file_format):
    from common.tabular.file_table import read_table
    from imports.importers import IMPORTERS

    client.force_login(pm)
    response = client.get(reverse("import_template", args=[kind, file_format]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-import-template.{file_format}"'
    table = read_table(b"".join(response.streaming_content) if response.streaming else response.content, file_format=file_format)
    assert table.headers == [column.label for column in IMPORTERS[kind].columns]
    assert len(table.rows) == 1


def test_the_recipients_template_imports_as_it_is(client, pm):
    client.force_login(pm)
    content = client.get(reverse("import_template", args=["recipients", "xlsx"])).content
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _upload(client, SimpleUploadedFile("template.xlsx", content))
    assert _confirm(client, _token(response)).status_code == 302
    assert Recipient.objects.get().country == "Darvonia"


def test_an_unknown_template_is_not_found(client, pm):
    client.force_login(pm)
    assert client.get(reverse("import_template", args=["letters", "csv"])).status_code == 404
    assert client.get(reverse("import_template", args=["recipients", "pdf"])).status_code == 404


def test_a_csv_saved_with_semicolons_reads_too(client, pm):
    client.force_login(pm)
    response = _upload(client, csv_file(RECIPIENT_HEADERS, ROWS, delimiter=";"))
    assert response.status_code == 200 and response.content.decode().count(">New</span>") == 2
