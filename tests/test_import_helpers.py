"""The givens shared by the import tests (this file holds no test): files built in the test, as CSV
or XLSX, and the dry run and confirm taken through the services.

    from tests.test_import_helpers import csv_file, xlsx_file, dry_run, confirm, RECIPIENT_HEADERS
"""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from imports.services import import_confirm, import_dry_run

RECIPIENT_HEADERS = ["Name", "Country", "Category", "Level", "Parent"]
PERSON_HEADERS = ["Full name", "Rank", "Recipient", "Aliases", "Position", "Unit", "Start date", "End date"]
# The columns that tell a person apart, after PERSON_HEADERS' (optional: a file may leave them out).
PERSON_IDENTITY_HEADERS = ["Date of birth", "Year of birth", "Service number", "Other identifiers"]
ALLEGATION_HEADERS = [
    "Full name", "Recipient", "Category", "Summary", "Date", "Status", "Source", "Source reliability",
    "Information credibility",
]
INCIDENT_HEADERS = [
    "Engagement reference", "Occurred on", "Place", "Description", "Recipient or unit", "Categories", "Channel",
    "Source reliability", "Information credibility", "Verification status", "Grave violation",
    "Victims", "Witnesses", "Source",
]


def csv_bytes(headers, rows, delimiter=",") -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


def xlsx_bytes(headers, rows) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_file(headers, rows, name="rows.csv", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(headers, rows, **kwargs), content_type="text/csv")


def xlsx_file(headers, rows, name="rows.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, xlsx_bytes(headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def dry_run(kind, user, upload):
    return import_dry_run(kind=kind, user=user, upload=upload)


def confirm(user, outcome):
    assert outcome.token, f"the dry run did not pass: {outcome.problem or [r.problems for r in outcome.error_rows]}"
    return import_confirm(user=user, token=outcome.token, kind=outcome.kind)


def problems_by_row(outcome) -> dict[int, list[str]]:
    return {row.number: row.problems for row in outcome.error_rows}
