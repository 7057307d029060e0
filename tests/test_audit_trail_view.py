"""The audit trail as a page (/audit/): auditors and HQ read every entry, a Chief of Mission their offices'
engagements only, anyone else is refused; filtered by engagement, person, action and period; exported as
CSV and XLSX; a bounded number of queries whatever the size of the trail."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditEntry, State
from tests.factories import EngagementFactory, UserFactory

URL = reverse("audit_trail")


def _entry(engagement, actor, action="start_screening", why="Screening started.", **fields):
    return AuditEntry.objects.create(
        engagement=engagement, actor=actor, action=action, justification=why,
        from_state=fields.pop("from_state", State.DRAFT), to_state=fields.pop("to_state", State.SCREENING), **fields,
    )


def _listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


@pytest.fixture
def trail(pm, engagement, engagement_b, com_b):
    mine = _entry(engagement, pm, why="Office A screens.")
    theirs = _entry(engagement_b, com_b, why="Office B screens.")
    unattached = AuditEntry.objects.create(
        engagement=None, actor=pm, action="import_recipients", justification="Imported 4 recipients.",
        details={"file": "units.csv", "created": 4},
    )
    return {"mine": mine, "theirs": theirs, "unattached": unattached}


@pytest.mark.parametrize("who", ["auditor", "hq"])
def test_auditors_and_hq_read_every_entry_of_every_office(client, trail, request, who):
    listed = _listed(client, request.getfixturevalue(who))

    assert set(listed) == set(trail.values())


def test_a_chief_of_mission_reads_only_the_entries_of_their_offices_engagements(client, trail, com):
    listed = _listed(client, com)

    assert listed == [trail["mine"]]


@pytest.mark.parametrize("who", ["pm", "outsider"])
def test_a_project_manager_is_refused_and_reads_the_history_on_the_engagement_page(client, trail, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert client.get(reverse("list_export", args=["audit", "csv"])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_it_filters_by_engagement_person_action_and_period(client, trail, auditor, engagement, pm, com):
    decided = _entry(engagement, com, action="endorse", why="Endorsed.", from_state=State.ENDORSEMENT,
                     to_state=State.MITIGATION)

    assert set(_listed(client, auditor, engagement=engagement.reference)) == {trail["mine"], decided}
    assert _listed(client, auditor, engagement=engagement.reference, action="endorse") == [decided]
    assert set(_listed(client, auditor, person=com.last_name)) == {decided}
    today = timezone.localdate()
    assert _listed(client, auditor, start=(today + timedelta(days=1)).isoformat()) == []
    assert set(_listed(client, auditor, q="screens")) == {trail["mine"], trail["theirs"]}


def test_it_shows_readable_labels_and_the_details_side_by_side(client, trail, auditor):
    client.force_login(auditor)

    content = client.get(URL).content.decode()

    assert "Import of recipients" in content and "<dt>File</dt><dd>units.csv</dd>" in content
    assert "Draft → Screening" in content


def test_a_period_ending_before_it_starts_is_a_field_error(client, trail, auditor):
    client.force_login(auditor)

    response = client.get(URL, {"start": "2026-05-01", "end": "2026-04-01"})

    assert response.status_code == 400 and "The end of the period is before its start." in response.content.decode()


def test_the_export_holds_the_rows_the_chief_of_mission_reads(client, trail, com):
    client.force_login(com)

    response = client.get(reverse("list_export", args=["audit", "csv"]))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["When", "Who", "Engagement", "Office", "Action"]
    assert [row[7] for row in rows[1:]] == ["Office A screens."]


def test_the_xlsx_export_opens(client, trail, auditor):
    import openpyxl

    client.force_login(auditor)
    response = client.get(reverse("list_export", args=["audit", "xlsx"]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4


def test_the_engagement_page_links_to_its_own_trail_for_those_who_read_it(client, engagement, com, pm):
    client.force_login(com)
    assert f"/audit/?engagement={engagement.reference}" in client.get(
        reverse("engagement_detail", args=[engagement.pk])
    ).content.decode()
    client.force_login(pm)
    assert "/audit/?engagement=" not in client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()


@pytest.mark.parametrize("entries", [5, 120])
def test_the_page_costs_the_same_queries_whatever_the_size_of_the_trail(
    client, auditor, office_a, entries, django_assert_max_num_queries
):
    actor = UserFactory()
    engagements = [EngagementFactory(office=office_a) for _ in range(3)]
    AuditEntry.objects.bulk_create([
        AuditEntry(engagement=engagements[n % 3], actor=actor, action="start_screening", justification=f"Entry {n}",
                   details={"n": n})
        for n in range(entries)
    ])
    client.force_login(auditor)

    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
