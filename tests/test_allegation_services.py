"""An allegation against a person of interest is recorded by those who work in the person's country and decided
only by a Chief of Mission there or HQ; each change of status keeps who, in which role, when and why, in the
history and in the audit trail, in the same transaction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import AuditAction, AuditEntry, PersonOfInterest
from register.models import AllegationCategory, AllegationStatus
from register.services import allegation_moves, allegation_record, allegation_status_change


@pytest.fixture
def person(engagement):
    return PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=engagement.recipient)


def _record(by, person):
    return allegation_record(
        by=by, person=person, category=AllegationCategory.COMMAND_RESPONSIBILITY,
        summary="Failed to punish officers who beat detainees at the Kael post.",
        sources=[{"description": "OHCHR report, March 2026", "source_reliability": "B", "information_credibility": "2"}],
    )


def test_a_project_manager_records_an_allegation_as_reported_with_its_source_and_an_audit_entry(pm, person):
    allegation = _record(pm, person)
    assert allegation.status == AllegationStatus.REPORTED
    assert [s.grade for s in allegation.sources.all()] == ["B2"]
    entry = AuditEntry.objects.get(action=AuditAction.RECORD_ALLEGATION)
    assert entry.engagement is None and entry.details["allegation"] == allegation.pk


def test_the_chief_of_mission_substantiates_then_clears_and_each_change_names_the_role_and_reason(pm, com, person):
    allegation = _record(pm, person)
    allegation = allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="Two reports agree.")
    allegation = allegation_status_change(by=com, allegation=allegation, to_status="cleared", reason="Acquitted on appeal.")
    changes = list(allegation.status_changes.values_list("from_status", "to_status", "role", "reason"))
    assert changes[1:] == [
        ("reported", "substantiated", "chief_of_mission", "Two reports agree."),
        ("substantiated", "cleared", "chief_of_mission", "Acquitted on appeal."),
    ]
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE_ALLEGATION_STATUS).count() == 2


def test_a_project_manager_may_take_an_allegation_up_for_review_but_not_substantiate_it(pm, person):
    allegation = _record(pm, person)
    allegation = allegation_status_change(by=pm, allegation=allegation, to_status="under_review", reason="Checking.")
    with pytest.raises(PermissionDenied):
        allegation_status_change(by=pm, allegation=allegation, to_status="substantiated", reason="Sure.")


def test_an_office_of_another_country_may_not_record_nor_decide(pm, outsider, com_b, person):
    with pytest.raises(PermissionDenied):
        _record(outsider, person)
    allegation = _record(pm, person)
    with pytest.raises(PermissionDenied):
        allegation_status_change(by=com_b, allegation=allegation, to_status="substantiated", reason="x")


def test_hq_decides_and_an_auditor_may_not(pm, hq, auditor, person):
    allegation = _record(pm, person)
    with pytest.raises(PermissionDenied):
        allegation_status_change(by=auditor, allegation=allegation, to_status="substantiated", reason="x")
    allegation = allegation_status_change(by=hq, allegation=allegation, to_status="not_substantiated", reason="One weak source.")
    assert allegation.status_changes.last().role == "hq_human_rights"


def test_a_change_without_a_reason_or_out_of_order_is_refused_and_writes_nothing(pm, com, person):
    allegation = _record(pm, person)
    with pytest.raises(ValidationError):
        allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="  ")
    allegation = allegation_status_change(by=com, allegation=allegation, to_status="not_substantiated", reason="No.")
    with pytest.raises(ValidationError, match="cannot be made substantiated"):
        allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="Yes.")
    assert allegation_moves(allegation) == [AllegationStatus.UNDER_REVIEW]
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE_ALLEGATION_STATUS).count() == 1
