"""P¶25: the project manager's report to the decision makers on a critical difficulty is written, sent at once
to the Chief of Mission and HQ, and audited in the same transaction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import AuditEntry, Notification, Role
from interventions import critical_reports
from interventions.critical_reports import critical_report_write
from interventions.models import CriticalDifficultyReport, InterventionCase
from tests.builders import engagement_ready_for
from tests.factories import user_with_role

TEXTS = {
    "circumstances": "Detainees from the Kael checkpoint report beatings.",
    "measures": "Joint patrols suspended; the commander asked to explain.",
    "recommendations": "Intercede with the Ministry within a week.",
}


@pytest.fixture
def case(office_a):
    return InterventionCase.objects.get(engagement=engagement_ready_for("record_course_of_action", office=office_a))


def _write(case, by, **changes):
    return critical_report_write(by=by, case=case, **({**TEXTS, "elements": ["compliance_record"]} | changes))


def test_the_report_is_written_and_sent_to_the_chief_of_mission_and_hq_once(case, pm, com, hq, com_b, auditor):
    # When the project manager writes a report
    report = _write(case, pm)

    # Then it is kept with the case, sent, and in the inbox of the office's Chief of Mission and HQ only
    assert report.case == case and report.written_by == pm and report.sent_at is not None
    assert report.elements == ["compliance_record"]
    notes = Notification.objects.filter(dedupe_key__startswith=f"critical-report:{report.pk}:")
    assert sorted(n.user.username for n in notes) == sorted([com.username, hq.username])
    assert all(n.kind == Notification.Kind.ESCALATION for n in notes)
    assert all(n.url.endswith(f"/reports/{report.pk}.pdf") for n in notes)


def test_the_report_is_audited_on_the_engagement(case, pm, com, hq):
    # When the project manager writes a report
    report = _write(case, pm)

    # Then one audit entry names it
    entry = AuditEntry.objects.get(action="write_critical_report")
    assert entry.engagement == case.engagement and entry.actor == pm
    assert entry.details["report"] == report.pk and entry.justification == TEXTS["circumstances"]
    assert sorted(entry.details["sent_to"]) == sorted([com.pk, hq.pk])


def test_a_follow_up_report_is_kept_beside_the_first_newest_first(case, pm):
    # Given a report, when a follow-up is written
    first = _write(case, pm)
    second = _write(case, pm, circumstances="The beatings continue.")

    # Then both are kept, newest first
    assert list(case.critical_reports.all()) == [second, first]


def test_a_failure_while_sending_leaves_neither_report_nor_audit_entry_nor_notification(case, pm, monkeypatch):
    # Given the audit trail fails to write
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(critical_reports, "audit_record", broken)

    # When the project manager writes a report
    with pytest.raises(RuntimeError):
        _write(case, pm)

    # Then nothing of it is left
    assert not CriticalDifficultyReport.objects.exists()
    assert not Notification.objects.filter(dedupe_key__startswith="critical-report:").exists()
    assert not AuditEntry.objects.filter(action="write_critical_report").exists()


def test_every_missing_part_and_an_unknown_element_are_refused_at_once(case, pm):
    # When the project manager sends an empty report with an element not in the assessment
    with pytest.raises(ValidationError) as refused:
        critical_report_write(by=pm, case=case, circumstances=" ", measures="", recommendations="", elements=["nope"])

    # Then each field says what is missing, and nothing is written
    assert set(refused.value.message_dict) == {"circumstances", "measures", "recommendations", "elements"}
    assert not CriticalDifficultyReport.objects.exists()


@pytest.mark.parametrize("who", ["com", "hq", "auditor", "outsider"])
def test_only_the_project_manager_of_the_office_writes_the_report(case, request, who):
    # When anyone but the office's project manager writes one, it is refused and nothing is written
    with pytest.raises(PermissionDenied):
        _write(case, request.getfixturevalue(who))
    assert not CriticalDifficultyReport.objects.exists()


def test_a_closed_case_takes_no_new_report(case, pm):
    # Given a closed case
    InterventionCase.objects.filter(pk=case.pk).update(closed_at=case.opened_at)
    case.refresh_from_db()

    # When the project manager writes a report, it is refused
    with pytest.raises(ValidationError, match="closed"):
        _write(case, pm)


def test_a_second_chief_of_mission_of_the_office_is_told_as_well(case, pm, com, office_a):
    # Given a second Chief of Mission in the office
    other = user_with_role(Role.CHIEF_OF_MISSION, office_a, username="oic.a")

    # When a report is written, both are told
    report = _write(case, pm)
    users = set(Notification.objects.filter(dedupe_key__startswith=f"critical-report:{report.pk}:").values_list("user", flat=True))
    assert {com.pk, other.pk} <= users
