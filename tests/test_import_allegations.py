"""Importing allegations against persons of interest: one row per allegation and source (the allegation's columns
repeated give it another source), the person found by their full name or another recorded name under their
recipient; every bad row reported on its line and nothing written if any row is bad; the dry run writes
nothing; every imported allegation's history starts "Imported from <file>" under the importer's name and role;
a decided status only by who may decide it."""

from datetime import date

import pytest
from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry, PersonOfInterest, Recipient, RecipientLevel
from register.models import Allegation, AllegationSource, AllegationStatusChange, PersonAlias
from register.services import allegation_record
from tests.factories import user_with_role
from tests.test_import_helpers import ALLEGATION_HEADERS, confirm, csv_file, dry_run, problems_by_row, xlsx_file

KAEL = "Failed to punish officers who beat detainees at the Kael post."


@pytest.fixture
def police(office_a):
    force = Recipient.objects.create(name="Darvonian Police Force", country="Darvonia", category="police")
    command = Recipient.objects.create(
        name="Esse Province Command", country="Darvonia", category="police", level=RecipientLevel.COMMAND, parent=force
    )
    return force, command


@pytest.fixture
def reyl(police):
    person = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=police[1])
    PersonAlias.objects.create(person=person, name="Томас Рейл")
    return person


def _row(name="Tomas Reyl", recipient="Esse Province Command", category="command_responsibility", summary=KAEL,
         when="2025-06-01", status="", source="OHCHR report, March 2026", reliability="B", credibility="2"):
    return [name, recipient, category, summary, when, status, source, reliability, credibility]


def test_a_dry_run_checks_every_row_and_writes_nothing_then_the_confirm_records_them(pm, reyl):
    rows = [
        _row(),
        _row(source="Local NGO statement", reliability="C", credibility="3"),  # a second source of the same
        _row(name="томас рейл", category="Gross violations of human rights", summary="Beatings at Omri.",
             when="", status="under review", source="", reliability="", credibility=""),
    ]
    audit_before = AuditEntry.objects.count()

    # When the project manager uploads the file
    outcome = dry_run("allegations", pm, xlsx_file(ALLEGATION_HEADERS, rows, name="allegations.xlsx"))

    # Then every row passes, and nothing but the dry run's audit entry is written
    assert [row.result for row in outcome.rows] == ["new", "new", "new"]
    assert outcome.token
    assert not Allegation.objects.exists() and not AllegationSource.objects.exists()
    assert list(AuditEntry.objects.values_list("action", flat=True)[audit_before:]) == [
        AuditAction.IMPORT_ALLEGATIONS_DRY_RUN
    ]

    done = confirm(pm, outcome)

    # Then two allegations, the first with both sources, each with its history entry under the importer's role
    assert done.imported and done.extra == {"allegations_recorded": 2, "sources_added": 2}
    kael = Allegation.objects.get(summary=KAEL)
    assert (kael.person, kael.status, kael.occurred_on, kael.office, kael.recorded_by) == (
        reyl, "reported", date(2025, 6, 1), pm.memberships.get().office, pm
    )
    assert sorted(s.grade for s in kael.sources.all()) == ["B2", "C3"]
    omri = Allegation.objects.get(summary="Beatings at Omri.")
    assert (omri.category, omri.status, omri.occurred_on) == ("gross_violations", "under_review", None)
    changes = AllegationStatusChange.objects.order_by("allegation__summary")
    assert [(c.from_status, c.to_status, c.by, c.role, c.reason) for c in changes] == [
        ("", "under_review", pm, "project_manager", "Imported from “allegations.xlsx”."),
        ("", "reported", pm, "project_manager", "Imported from “allegations.xlsx”."),
    ]
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT_ALLEGATIONS)
    assert entry.details["new"] == 3 and entry.details["allegations_recorded"] == 2


def test_each_bad_row_is_reported_on_its_line_and_nothing_is_written(pm, reyl, police):
    PersonOfInterest.objects.create(full_name="Lena Ostrava", recipient=police[0])
    PersonOfInterest.objects.create(full_name="Lena Ostrava", recipient=police[0])
    rows = [
        _row(),
        _row(name="Idris Valemo"),
        _row(category="torture", when="01/06/2025"),
        _row(summary="", reliability="Q", credibility="9"),
        _row(recipient="Border Guard"),
        _row(when="2099-01-01", source="", reliability="B", credibility=""),
        _row(name="Lena Ostrava", recipient="Darvonian Police Force"),
        _row(status="substantiated", summary="Another allegation."),
    ]

    outcome = dry_run("allegations", pm, csv_file(ALLEGATION_HEADERS, rows))

    assert problems_by_row(outcome) == {
        3: ["Full name: No person of interest called “Idris Valemo” belongs to Darvonian Police Force › Esse Province "
            "Command: import or record the person first."],
        4: ["Category: “torture” is not a category of allegation (War crimes; Crimes against humanity; Gross "
            "violations of human rights; Refoulement; Command responsibility: failed to prevent, or to punish, "
            "violations by subordinates (P¶12(a)(iii))).",
            "Date: Give the date as YYYY-MM-DD, e.g. 2026-03-14 (not “01/06/2025”)."],
        5: ["Summary: Say what the person is alleged to have done.",
            "Source reliability: “Q” is not a reliability grade (A to F) (A — completely reliable; B — usually "
            "reliable; C — fairly reliable; D — not usually reliable; E — unreliable; F — reliability cannot be "
            "judged).",
            "Information credibility: “9” is not a credibility grade (1 to 6) (1 — confirmed by other sources; 2 — "
            "probably true; 3 — possibly true; 4 — doubtful; 5 — improbable; 6 — truth cannot be judged)."],
        6: ["Recipient: No force, command or unit called “Border Guard” in Darvonia."],
        7: ["Date: The date is in the future.", "Source: Give the report or channel these grades are for."],
        8: ["Full name: Several persons of interest of Darvonian Police Force are called “Lena Ostrava”: record "
            "this allegation on the right person's page."],
        9: ["Status: Only a Chief of Mission of an office in Darvonia, or the HQ Human Rights Team, decides an "
            "allegation: import it as reported or under review, and have it decided on the person's page."],
    }
    assert outcome.token == ""
    assert not Allegation.objects.exists() and not AllegationStatusChange.objects.exists()


def test_rows_of_one_allegation_must_agree_and_not_repeat_a_source(pm, reyl):
    rows = [_row(), _row(status="under review", source="Local NGO"), _row(), _row(source="", reliability="",
                                                                              credibility="")]

    outcome = dry_run("allegations", pm, csv_file(ALLEGATION_HEADERS, rows))

    assert problems_by_row(outcome) == {
        3: ["Status: Row 2 gives this allegation's status differently."],
        4: ["Source: Row 2 already gives this source."],
        5: ["Row 2 already gives this allegation."],
    }


def test_a_recorded_allegation_is_not_recorded_twice_and_takes_a_new_source(pm, reyl):
    recorded = allegation_record(
        by=pm, person=reyl, category="command_responsibility", summary=KAEL, occurred_on=date(2025, 6, 1),
        sources=[{"description": "OHCHR report, March 2026", "source_reliability": "B", "information_credibility": "2"}],
    )
    rows = [_row(), _row(source="Local NGO", reliability="C", credibility="3"), _row(status="substantiated")]

    outcome = dry_run("allegations", pm, csv_file(ALLEGATION_HEADERS, rows))
    assert problems_by_row(outcome) == {4: [
        "Status: Only a Chief of Mission of an office in Darvonia, or the HQ Human Rights Team, decides an "
        "allegation: import it as reported or under review, and have it decided on the person's page."
    ]}
    outcome = dry_run("allegations", pm, csv_file(ALLEGATION_HEADERS, rows[:2]))
    assert [row.result for row in outcome.rows] == ["unchanged", "update"]

    assert confirm(pm, outcome).imported
    assert Allegation.objects.get() == recorded
    assert sorted(s.grade for s in recorded.sources.all()) == ["B2", "C3"]
    assert recorded.status_changes.count() == 1  # its own "Recorded."


def test_a_recorded_status_is_not_changed_by_an_import(pm, com, reyl):
    allegation_record(by=pm, person=reyl, category="command_responsibility", summary=KAEL, occurred_on=date(2025, 6, 1))

    outcome = dry_run("allegations", pm, csv_file(ALLEGATION_HEADERS, [_row(status="under review")]))

    assert problems_by_row(outcome) == {2: [
        "Status: This allegation is recorded as reported: its status is changed on the person's page, with the "
        "reasons."
    ]}


def test_who_may_decide_imports_a_decided_status_and_its_history_says_so(reyl, office_a):
    # Given a project manager who is also Chief of Mission of the office
    both = user_with_role("project_manager", office_a, username="pm.com")
    both.memberships.create(role="chief_of_mission", office=office_a)
    outcome = dry_run("allegations", both, csv_file(ALLEGATION_HEADERS, [_row(status="substantiated")], name="a.csv"))

    assert confirm(both, outcome).imported

    allegation = Allegation.objects.get()
    assert allegation.status == "substantiated"
    [change] = allegation.status_changes.all()
    assert (change.from_status, change.to_status, change.role, change.reason) == (
        "", "substantiated", "chief_of_mission", "Imported from “a.csv”."
    )


def test_a_person_of_another_country_cannot_be_named(outsider, reyl):
    outcome = dry_run("allegations", outsider, csv_file(ALLEGATION_HEADERS, [_row()]))

    assert problems_by_row(outcome) == {2: ["Recipient: No force, command or unit called “Esse Province Command” in Meridia."]}


def test_a_file_without_the_required_columns_is_refused(pm, reyl):
    outcome = dry_run("allegations", pm, csv_file(["Full name", "Recipient"], [["Tomas Reyl", "Esse Province Command"]]))

    assert outcome.problem.startswith("The file has no columns “Category” and “Summary”.")


@pytest.mark.parametrize("n", [10, 200])
def test_an_allegations_import_costs_a_bounded_number_of_queries(pm, reyl, n, django_assert_max_num_queries):
    rows = [_row(summary=f"Allegation {i // 2}.", source=f"Report {i % 2}") for i in range(n)]
    upload = csv_file(ALLEGATION_HEADERS, rows)
    pm.refresh_from_db()
    # The memberships, offices, recipients, persons, their names, allegations, sources, the importer's rights
    # in the country, the audit entry.
    with django_assert_max_num_queries(13):
        outcome = dry_run("allegations", pm, upload)
    assert outcome.ok, [r.problems for r in outcome.error_rows]
    pm.refresh_from_db()
    # SQLite splits a bulk insert of many rows into batches of at most 999 values: one more at 200 rows.
    with django_assert_max_num_queries(22):
        assert confirm(pm, outcome).imported
    assert (Allegation.objects.count(), AllegationSource.objects.count()) == (n // 2, n)


def test_the_import_pages_offer_the_allegations_and_take_them_through_dry_run_and_confirm(client, pm, reyl):
    client.force_login(pm)
    page = client.get(reverse("import_upload") + "?kind=allegations").content.decode()
    assert "Allegations against persons of interest" in page
    assert reverse("import_template", args=["allegations", "csv"]) in page
    template = client.get(reverse("import_template", args=["allegations", "csv"]))
    assert template.status_code == 200 and "Full name,Recipient,Category,Summary" in template.content.decode("utf-8-sig")

    dry = client.post(reverse("import_upload"), {"kind": "allegations", "file": csv_file(ALLEGATION_HEADERS, [_row()])})
    assert dry.status_code == 200 and not Allegation.objects.exists()
    token = dry.context["outcome"].token
    done = client.post(reverse("import_confirm"), {"token": token, "kind": "allegations"})

    assert done.status_code == 302
    assert Allegation.objects.get().person == reyl
