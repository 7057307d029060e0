"""Exports of the lists to CSV and XLSX: only the rows the user sees, confidential details only with
the engagement's confidential access, formula-looking cells neutralised, their own permission, and a
bounded number of queries for 10 and 1,000 engagements."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from monitoring.models import Channel, Incident
from portfolio import exports
from tests.builders import add_measure
from tests.factories import EngagementFactory, UserFactory
from tests.portfolio_data import bulk_portfolio

FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+2", "-3+4", "@SUM(A1)", "\tcmd", "\rcmd"]


def _url(kind, fmt="csv"):
    return reverse("list_export", args=[kind, fmt])


def _incident(engagement, **fields):
    values = {
        "recipient": engagement.recipient, "occurred_on": timezone.localdate() - timedelta(days=2),
        "description": "Detainees beaten at the crossing.", "channel": Channel.GRIEVANCE_MECHANISM,
        "categories": ["gross_violations"], "victims": "Amina K., 17", "witnesses": "A shopkeeper",
        "source_details": "Protection officer's call of 3 May",
    }
    values.update(fields)
    return Incident.objects.create(engagement=engagement, **values)


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _get(client, user, kind, fmt="csv", **params):
    client.force_login(user)
    response = client.get(_url(kind, fmt), params)
    assert response.status_code == 200, response.content[:300]
    return response


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client):
    assert client.get(_url("engagements"))["Location"].startswith(reverse("login"))


def test_it_needs_the_export_permission(client, engagement):
    nobody = UserFactory()
    client.force_login(nobody)

    assert client.get(_url("engagements")).status_code == 403


def test_it_answers_not_found_for_an_unknown_list_or_format(client, pm):
    client.force_login(pm)

    assert client.get(reverse("list_export", args=["people", "csv"])).status_code == 404
    assert client.get(reverse("list_export", args=["incidents", "pdf"])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_office_users_export_holds_no_other_offices_rows(client, pm, engagement, engagement_b, fmt):
    rows = (_csv_rows if fmt == "csv" else _xlsx_rows)(_get(client, pm, "engagements", fmt))

    references = [row[0] for row in rows[1:]]
    assert rows[0][0] == "Reference"
    assert references == [engagement.reference]
    assert engagement_b.reference not in str(rows)


@pytest.mark.parametrize("kind", ["incidents", "measures", "letters"])
def test_the_outsiders_export_holds_nothing_of_office_a(client, outsider, engagement, engagement_b, kind):
    from tests.test_letter_overview_view import _letter

    _incident(engagement), add_measure(engagement), _letter(engagement, "AAA/1")
    _incident(engagement_b), add_measure(engagement_b), _letter(engagement_b, "BBB/1")

    rows = _csv_rows(_get(client, outsider, kind))

    assert len(rows) == 2
    assert engagement.reference not in str(rows)
    assert engagement_b.reference in str(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_incident_export_hides_confidential_details_without_the_grant(client, pm, hq, engagement, fmt):
    _incident(engagement)

    for user in (pm, hq):
        rows = (_csv_rows if fmt == "csv" else _xlsx_rows)(_get(client, user, "incidents", fmt))
        text = str(rows)
        assert "Detainees beaten at the crossing." in text
        assert "Amina K." not in text and "shopkeeper" not in text and "Protection officer" not in text
        assert rows[1][-3:] == [exports.REDACTED] * 3


def test_an_incident_export_shows_confidential_details_only_of_granted_engagements(client, pm, office_a, engagement):
    other = EngagementFactory(office=office_a)
    _incident(engagement)
    _incident(other, victims="Hidden victim", description="On the other engagement.")
    assign_perm("hrddp.view_confidential", pm, engagement)

    rows = _csv_rows(_get(client, pm, "incidents"))

    by_description = {row[7]: row for row in rows[1:]}
    assert by_description["Detainees beaten at the crossing."][-3:] == [
        "Amina K., 17", "A shopkeeper", "Protection officer's call of 3 May"
    ]
    assert by_description["On the other engagement."][-3] == exports.REDACTED
    assert "Hidden victim" not in str(rows)


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_looking_cell_is_neutralised_in_csv(client, pm, engagement, text):
    _incident(engagement, place=text, description=text)

    row = _csv_rows(_get(client, pm, "incidents"))[1]

    assert row[4] == f"'{text}"
    assert row[7] == f"'{text}"


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_looking_cell_is_neutralised_in_xlsx(client, pm, engagement, text):
    _incident(engagement, place=text)

    response = _get(client, pm, "incidents", "xlsx")

    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active.cell(row=2, column=5)
    assert cell.data_type == "s"
    # XML reads a carriage return back as a line feed; what matters is the leading apostrophe.
    assert cell.value[0] == "'"
    assert cell.value[1:].strip() == text.strip()


def test_a_formula_looking_engagement_title_is_neutralised(client, pm, office_a):
    EngagementFactory(office=office_a, title="=cmd|' /C calc'!A0")

    row = _csv_rows(_get(client, pm, "engagements"))[1]

    assert row[1] == "'=cmd|' /C calc'!A0"


def test_it_exports_the_filtered_list_only(client, hq, engagement):
    _incident(engagement, categories=["war_crimes"], description="War crime")
    _incident(engagement, categories=["refoulement"], description="Pushed back")

    rows = _csv_rows(_get(client, hq, "incidents", category="refoulement"))

    assert [row[7] for row in rows[1:]] == ["Pushed back"]


def test_it_refuses_a_filter_that_names_another_office(client, outsider, office_a, engagement):
    client.force_login(outsider)

    response = client.get(_url("engagements"), {"office": office_a.pk})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_it_refuses_an_export_too_large_and_says_how_to_narrow_it(client, hq, engagement, engagement_b, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    client.force_login(hq)

    response = client.get(_url("engagements"), {"state": "draft"})

    assert response.status_code == 400
    assert "Narrow the filters" in response.content.decode()
    assert "state=draft" in response.content.decode()


def test_it_is_a_download_that_is_never_cached(client, pm, engagement):
    response = _get(client, pm, "engagements", "xlsx")

    assert response["Content-Disposition"].startswith('attachment; filename="hrddp-engagements-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert response["Cache-Control"] == "private, no-store"


def _count_queries(client, user, kind, fmt) -> int:
    client.force_login(user)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(kind, fmt)).status_code == 200
    return len(captured)


def test_exports_run_the_same_bounded_number_of_queries_for_10_and_1000_engagements(client, hq, pm, office_a, office_b):
    # The project manager reads the audit trail on each engagement's page, not as a list.
    cases = [
        (u, kind, fmt) for u in (hq, pm) for kind in exports.RESOURCES for fmt in ("csv",)
        if not (u is pm and kind == "audit")
    ] + [(hq, "incidents", "xlsx")]
    bulk_portfolio(office_a, 5)
    bulk_portfolio(office_b, 5)
    for case in cases:  # the process-wide caches (content types of the grants) are filled once, not per row
        _count_queries(client, *case)
    few = [_count_queries(client, *case) for case in cases]

    bulk_portfolio(office_a, 495)
    bulk_portfolio(office_b, 495)
    many = [_count_queries(client, *case) for case in cases]

    assert few == many
    assert max(many) <= 14


def test_an_incident_export_names_the_persons_implicated_and_the_units_lineage(client, hq, office_a):
    from hrddp.models import PersonOfInterest, RecipientLevel
    from tests.factories import RecipientFactory

    force = RecipientFactory(name="Darvonian Police Force", country=office_a.country)
    unit = RecipientFactory(name="Unit 7", country=office_a.country, level=RecipientLevel.UNIT, parent=force)
    engagement = EngagementFactory(office=office_a, recipient=force)
    incident = _incident(engagement, recipient=unit)
    incident.persons_implicated.set([
        PersonOfInterest.objects.create(full_name="Tomas Reyk", rank="Major", recipient=unit),
        PersonOfInterest.objects.create(full_name="Anna Belo", recipient=force),
    ])

    row = _csv_rows(_get(client, hq, "incidents"))[1]

    assert row[5] == "Darvonian Police Force › Unit 7"
    assert row[6] == "Anna Belo (Darvonian Police Force); Major Tomas Reyk (Unit 7)"
