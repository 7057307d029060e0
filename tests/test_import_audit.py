"""Every import attempt is in the audit trail: each dry run and each confirm, passed or refused, with the
file's name and SHA-256 and the row counts; a confirmed import's entry is written with its rows."""

import hashlib

from django.db import transaction

from hrddp.models import AuditEntry, Recipient
from tests.test_import_helpers import RECIPIENT_HEADERS, confirm, csv_bytes, csv_file, dry_run

ROWS = [["Darvonian Police Force", "Darvonia", "police", "force", ""], ["Army", "Darvonia", "military", "force", ""]]


def test_the_audit_trail_records_the_dry_run_and_the_confirm(pm):
    sha256 = hashlib.sha256(csv_bytes(RECIPIENT_HEADERS, ROWS)).hexdigest()

    confirm(pm, dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, ROWS, name="forces.csv")))

    dry, done = AuditEntry.objects.order_by("pk")
    expected = {
        "kind": "recipients", "file_name": "forces.csv", "sha256": sha256, "rows": 2, "new": 2, "updated": 0,
        "unchanged": 0, "errors": 0,
    }
    assert (dry.action, dry.actor, dry.engagement, dry.from_state, dry.to_state) == (
        "import_recipients_dry_run", pm, None, "", ""
    )
    assert dry.details == expected
    assert dry.justification == (
        "Dry run of an import of recipients from “forces.csv”: 2 rows (2 new, 0 to update, 0 unchanged); no errors."
    )
    assert (done.action, done.actor, done.engagement) == ("import_recipients", pm, None)
    assert done.details == expected
    assert done.justification == "Imported recipients from “forces.csv”: 2 rows (2 new, 0 updated, 0 unchanged)."


def test_a_dry_run_with_errors_is_recorded_with_its_count(pm):
    dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, ROWS + [["", "Darvonia", "police", "force", ""]]))

    entry = AuditEntry.objects.get()
    assert entry.details["errors"] == 1 and entry.details["error_rows"] == [4]
    assert entry.justification.endswith("3 rows, 1 with errors; nothing can be imported until they are fixed.")
    assert not Recipient.objects.exists()


def test_a_refused_confirm_rolls_its_rows_back_but_keeps_its_audit_entry(pm):
    force = Recipient.objects.create(name="Police", country="Darvonia", category="police")
    command = Recipient.objects.create(name="North", country="Darvonia", category="police", level="command", parent=force)
    rows = [["Army", "Darvonia", "military", "force", ""], ["Unit 5", "Darvonia", "", "unit", "Police › North"]]
    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, rows))
    # meanwhile the command is recorded as a unit: Unit 5 can no longer sit under it
    Recipient.objects.filter(pk=command.pk).update(level="unit")

    refused = confirm(pm, outcome)

    assert not refused.imported and refused.errors == 1
    entry = AuditEntry.objects.get(action="import_recipients")
    assert entry.details["refused"] is True and entry.details["errors"] == 1 and entry.details["new"] == 1
    assert entry.justification == (
        "Import of recipients from “rows.csv” refused, nothing imported: 1 of 2 rows have errors "
        "(the records changed since the dry run)."
    )
    assert not Recipient.objects.filter(name__in=["Army", "Unit 5"]).exists()


def test_a_confirmed_import_and_its_entry_are_one_transaction(pm, monkeypatch):
    # given an audit trail that refuses the confirm's entry
    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, ROWS))
    from imports import services

    real = services.audit_record

    def failing(**kwargs):
        if kwargs["action"] == "import_recipients" and not kwargs["details"].get("refused"):
            raise services.DatabaseError("the audit table is unavailable")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", failing)

    with transaction.atomic():
        refused = confirm(pm, outcome)

    # then the rows went with it, and the refusal is recorded
    assert not refused.imported and "database refused" in refused.problem
    assert not Recipient.objects.exists()
    assert AuditEntry.objects.get(action="import_recipients").details["refused"] is True
