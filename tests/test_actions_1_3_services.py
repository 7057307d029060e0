"""The services of Actions 1–3 (assessments.services): each save is the project manager's, only at its
Action's stage, and writes its record and its audit entry together, or nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import services
from assessments.models import CoordinationRecord, PreconditionsCheck, Screening
from assessments.services import ActionClosed, coordination_save, preconditions_save, screening_save
from hrddp.models import ActivityType, AuditEntry, State
from tests.builders import describe_activities
from tests.factories import EngagementFactory

ANSWERS = {"engages_security_force": True, "provides_support": True, "entirely_exempt": False}
MET = {key: (True, "Checked with the Ministry of the Interior.") for key, _ in PreconditionsCheck.CHECKS}


def _at(office, state):
    engagement = EngagementFactory(office=office, state=state)
    describe_activities(engagement, ActivityType.TRAINING)
    return engagement


def _screen(engagement, by, **changes):
    kwargs = dict(answers=ANSWERS, notes={}, prudential=False, rationale="")
    kwargs.update(changes)
    return screening_save(by=by, engagement=engagement, **kwargs)


def _coordinate(engagement, by, **fields):
    return coordination_save(by=by, engagement=engagement, **{"mechanism_exists": False, **fields})


# --- Written with its audit entry --------------------------------------------------------------------


def test_saving_the_screening_records_who_changed_what(pm, office_a):
    engagement = _at(office_a, State.SCREENING)
    services.screening_prefill(engagement=engagement)

    screening = _screen(engagement, pm, answers={**ANSWERS, "provides_support": False},
                        notes={"provides_support": "Training only."}, rationale="Kept with the conclusion.")

    assert (screening.provides_support, screening.rationale) == (False, "Kept with the conclusion.")
    entry = AuditEntry.objects.get()
    assert (entry.engagement_id, entry.actor, entry.action) == (engagement.pk, pm, "save_screening")
    assert entry.details["changed"] == ["provides_support", "provides_support_note", "rationale"]
    assert entry.details["answers"] == {**ANSWERS, "provides_support": False, "prudential_assessment": False}
    assert entry.justification == "Changed the screening: provides support, provides support note, rationale."


def test_confirming_the_suggested_answers_is_recorded_too(pm, office_a):
    engagement = _at(office_a, State.SCREENING)
    services.screening_prefill(engagement=engagement)

    _screen(engagement, pm)

    entry = AuditEntry.objects.get()
    assert entry.details["changed"] == []
    assert entry.justification == "Saved the screening unchanged: confirmed as it stood."


def test_saving_the_preconditions_records_the_answers(pm, office_a):
    engagement = _at(office_a, State.PRECONDITIONS)

    check = preconditions_save(by=pm, engagement=engagement, results=MET)

    assert check.result("no_weapons") == MET["no_weapons"]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action) == (pm, "save_preconditions")
    assert entry.details["met"] == {key: True for key in MET}
    assert entry.justification.startswith("Recorded the preconditions check: national ownership met,")


def test_saving_the_coordination_record_records_what_changed(pm, office_a):
    engagement = _at(office_a, State.COORDINATION)
    _coordinate(engagement, pm)

    _coordinate(engagement, pm, mechanism_exists=True, gpraf_reference="GPRAF-7", gpraf_date=date(2026, 2, 1),
                inform_of_decisions="The mechanism's secretariat.")

    record = CoordinationRecord.objects.get(engagement=engagement)
    assert (record.mechanism_exists, record.gpraf_reference) == (True, "GPRAF-7")
    first, second = AuditEntry.objects.order_by("pk")
    assert (first.action, first.justification) == ("save_coordination", "Recorded the coordination record: mechanism exists.")
    assert second.details == {
        "coordination": record.pk, "changed": ["mechanism_exists", "gpraf_reference", "gpraf_date", "inform_of_decisions"],
        "mechanism_exists": True,
    }


def test_a_failing_audit_entry_leaves_the_record_unwritten(pm, office_a, monkeypatch):
    engagement = _at(office_a, State.COORDINATION)

    def broken(**kwargs):
        raise RuntimeError("The audit trail is unavailable.")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        _coordinate(engagement, pm)

    assert not CoordinationRecord.objects.exists()


# --- Refused ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["com", "hq", "auditor", "outsider"])
def test_only_the_project_manager_saves(request, who, office_a):
    engagement = _at(office_a, State.SCREENING)
    services.screening_prefill(engagement=engagement)
    before = Screening.objects.filter(engagement=engagement).values().get()

    with pytest.raises(PermissionDenied, match="Only the engagement's project manager changes the screening."):
        _screen(engagement, request.getfixturevalue(who), rationale="Not theirs to say.")
    with pytest.raises(PermissionDenied, match="preconditions check"):
        preconditions_save(by=request.getfixturevalue(who), engagement=engagement, results=MET)

    assert Screening.objects.filter(engagement=engagement).values().get() == before
    assert not PreconditionsCheck.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "save, state",
    [
        (lambda e, pm: _screen(e, pm), State.PRECONDITIONS),
        (lambda e, pm: preconditions_save(by=pm, engagement=e, results=MET), State.COORDINATION),
        (lambda e, pm: _coordinate(e, pm), State.ASSESSMENT),
    ],
)
def test_a_save_outside_its_stage_is_refused_and_says_why(pm, office_a, save, state):
    engagement = _at(office_a, state)

    with pytest.raises(ActionClosed, match="can only be changed while the engagement is at that stage"):
        save(engagement, pm)

    assert not Screening.objects.exists() and not PreconditionsCheck.objects.exists()
    assert not CoordinationRecord.objects.exists() and not AuditEntry.objects.exists()


def test_the_stage_is_read_from_the_engagement_as_it_is_now(pm, office_a):
    """The page's copy may be stale: the save reads the stage again, under the engagement's lock."""
    engagement = _at(office_a, State.COORDINATION)
    type(engagement).objects.filter(pk=engagement.pk).update(state=State.ASSESSMENT)

    with pytest.raises(ActionClosed):
        _coordinate(engagement, pm)


def test_the_page_shows_the_refusal_in_the_project_managers_words(client, com, office_a):
    engagement = _at(office_a, State.SCREENING)
    services.screening_prefill(engagement=engagement)
    client.force_login(com)

    response = client.post(reverse("screening", args=[engagement.pk]), {})

    assert response.status_code == 403
    assert "Only the engagement&#x27;s project manager changes the screening." in response.content.decode()
