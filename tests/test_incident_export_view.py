"""The CSV export of an engagement's incidents: one row per incident as filtered on the list, cells a
spreadsheet will not run as formulas, confidential details redacted without the grant, bounded queries."""

import csv
import io

import pytest
from django.urls import reverse

from common.csv_safety import csv_safe
from tests.factories import EngagementFactory
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    CONFIDENTIAL_VALUES,
    REDACTED,
    active,
    command,
    commander,
    days_ago,
    force,
    grave,
    log,
    person_in,
    unit,
)

# As on the list: session (read and saved), user, memberships, content types, engagement,
# guardian's two checks, the incidents, their persons implicated — whatever the number of rows.
MAX_QUERIES = 14


def _url(engagement, query=""):
    return reverse("incident_export", args=[engagement.pk]) + query


def _export(client, user, engagement, query=""):
    client.force_login(user)
    response = client.get(_url(engagement, query))
    return response


def _rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_one_row_per_incident_as_an_attachment(client, pm, active, unit, commander):
    # given two incidents, one against the unit naming its commander
    log(active, pm, recipient=unit, persons=[commander], occurred_on=days_ago(2), **grave())
    log(active, pm, occurred_on=days_ago(9))

    # when the project manager exports them
    response = _export(client, pm, active)

    # then the CSV holds both, newest first, with the grade and classification
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{active.reference}-incidents.csv"'
    assert response["Cache-Control"] == "private, no-store"
    rows = _rows(response)
    assert [row["Date"] for row in rows] == [days_ago(2).isoformat(), days_ago(9).isoformat()]
    first = rows[0]
    assert first["Recipient or unit"] == str(unit)
    assert first["Persons implicated"] == "Colonel Tomas Reyl (Rapid Intervention Unit)"
    assert (first["Grade"], first["Grave violation"], first["Substantial grounds"]) == ("B2", "yes", "yes")
    assert first["Violation categories"] == "War crimes"
    assert first["Escalated at"] != ""


def test_it_exports_what_the_list_filter_shows(client, pm, active):
    log(active, pm, place="Omri market")
    log(active, pm, place="Kael road", **grave())

    rows = _rows(_export(client, pm, active, "?grave=substantial"))

    assert [row["Place"] for row in rows] == ["Kael road"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, pm, active, start):
    # given a place and a description typed to start like a formula
    place = f'{start}HYPERLINK("http://evil.example","x")'
    log(active, pm, place=place, description=f"{start}1+1 cmd")

    # when they are exported
    row = _rows(_export(client, pm, active))[0]

    # then each such cell starts with a single quote and keeps the rest as typed
    assert row["Place"] == f"'{place}"
    assert row["Description"] == f"'{start}1+1 cmd"


def test_csv_safe_also_neutralises_a_leading_tab_or_carriage_return_and_leaves_the_rest():
    # (the services strip leading whitespace from what users type; names may still carry it)
    assert csv_safe("=SUM(A1)") == "'=SUM(A1)"
    assert csv_safe("-1") == "'-1"
    assert csv_safe("@cmd") == "'@cmd"
    assert csv_safe("\tx") == "'\tx"
    assert csv_safe("\rx") == "'\rx"
    assert csv_safe("+x") == "'+x"
    assert csv_safe("2026-01-02") == "2026-01-02"
    assert csv_safe("a=b") == "a=b"
    assert csv_safe(None) == ""


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_without_the_grant_the_confidential_columns_are_redacted(request, client, pm, active, who):
    log(active, pm)

    response = _export(client, request.getfixturevalue(who), active)

    text = response.content.decode("utf-8-sig")
    for value in CONFIDENTIAL_VALUES:
        assert value not in text
    row = _rows(response)[0]
    assert (row["Victims"], row["Witnesses"], row["Source"]) == (REDACTED, REDACTED, REDACTED)


def test_it_returns_404_for_another_offices_engagement(client, outsider, pm, active):
    log(active, pm)

    response = _export(client, outsider, active)

    assert response.status_code == 404
    assert b"Kael checkpoint" not in response.content


def test_it_exports_only_this_engagements_incidents(client, pm, office_a, active):
    log(EngagementFactory(office=office_a, recipient=active.recipient), pm, place="Elsewhere")

    assert _rows(_export(client, pm, active)) == []


@pytest.mark.parametrize("size", [3, 30])
def test_it_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, pm, active, unit, commander, size):
    deputy = person_in(unit, name="Pavel Dunn")
    for i in range(size):
        log(active, pm, recipient=unit, persons=[commander, deputy], place=f"Post {i}")
    client.force_login(pm)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(_url(active))

    assert len(_rows(response)) == size
