"""Adding and changing a mitigation measure through the API: the plan page's service (mitigation.services.plan_save),
with its permission, stage, checks and audit entry (naming the token). The outsider gets 404, the Chief of
Mission, HQ and the auditor 403, a stage that does not allow the change the page's reason, and bad input field
errors all at once, writing nothing."""

import pytest

from assessments.models import AssessmentStatus
from hrddp.models import AuditAction, AuditEntry, PersonOfInterest, Recipient, State
from mitigation.models import MeasureType, MitigationMeasure, MitigationPlan
from tests.api_client import api_as
from tests.builders import add_measure, complete_assessment, record_coordination, reload
from tests.factories import EngagementFactory


def _entries():
    return AuditEntry.objects.filter(action=AuditAction.SAVE_MITIGATION_PLAN)


@pytest.fixture
def planning(office_a):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    record_coordination(engagement, mechanism=False)
    complete_assessment(engagement, factors=["Unit 7 detains without charge"], status=AssessmentStatus.ENDORSED)
    return reload(engagement)


@pytest.fixture
def factor(planning):
    return planning.current_assessment.risk_factors.get()


def _body(engagement, **changes):
    return {
        "engagement": engagement.pk, "title": "Vetting of Unit 7's officers",
        "measure_type": MeasureType.SCREENING_EXCLUSION, "owner": "Project manager", "due_date": "2026-09-30",
        **changes,
    }


# --- Adding a measure ----------------------------------------------------------------------------------------


def test_the_owner_adds_a_measure_that_draws_up_the_plan_and_one_audit_entry_names_the_token(pm, planning, factor):
    client = api_as(pm, name="Workbook import")

    response = client.post("/api/v1/measures/", _body(planning, risk_factors=[factor.pk]), format="json")

    assert response.status_code == 201, response.json()
    measure = MitigationMeasure.objects.get()
    assert measure.plan.engagement == planning and list(measure.risk_factors.all()) == [factor]
    assert response.json()["id"] == measure.pk and response.json()["risk_factors"] == [factor.pk]
    assert (response.json()["nature"], response.json()["status"]) == ("preventive", "planned")
    entry = _entries().get()
    assert entry.actor == pm and entry.details["api_token_name"] == "Workbook import"
    assert entry.details["created"] is True and entry.details["measures_added"] == 1


def test_a_second_measure_is_added_to_the_same_plan(pm, planning):
    first = add_measure(planning, title="Human rights training")

    response = api_as(pm).post("/api/v1/measures/", _body(planning), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["plan"] == first.plan_id and response.json()["id"] != first.pk
    assert MitigationPlan.objects.get().measures.count() == 2


def test_adding_refuses_bad_input_field_by_field_and_writes_nothing(pm, planning, office_a):
    foreign_factor = complete_assessment(EngagementFactory(office=office_a), factors=["Elsewhere"]).risk_factors.get()
    body = _body(planning, title="", measure_type="bribery", due_date="1066-10-14", risk_factors=[foreign_factor.pk])

    response = api_as(pm).post("/api/v1/measures/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "measure_type", "due_date", "risk_factors"}
    assert not MitigationPlan.objects.exists() and not _entries().exists()


def test_a_person_of_another_force_is_refused(pm, planning):
    other_force = Recipient.objects.create(name="Border Guard", country=planning.recipient.country, category="police")
    stranger = PersonOfInterest.objects.create(full_name="Ana Sorr", rank="General", recipient=other_force)

    response = api_as(pm).post("/api/v1/measures/", _body(planning, excludes_person=stranger.pk), format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"excludes_person"}
    assert not MitigationMeasure.objects.exists()


def test_only_a_screening_and_exclusion_measure_excludes_a_person(pm, planning):
    person = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=planning.recipient)
    body = _body(planning, measure_type=MeasureType.MONITORING, excludes_person=person.pk)

    response = api_as(pm).post("/api/v1/measures/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"excludes_person"}
    assert not MitigationMeasure.objects.exists()


def test_a_measure_is_refused_with_the_pages_reason_outside_the_mitigation_stage(pm, office_a):
    screening = EngagementFactory(office=office_a, state=State.SCREENING)

    response = api_as(pm).post("/api/v1/measures/", _body(screening), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["reasons"] == [
        "The plan can only be changed while the engagement is at the mitigation stage."
    ]
    assert not MitigationPlan.objects.exists()


def test_the_outsider_cannot_add_a_measure_to_anothers_plan(outsider, planning):
    assert api_as(outsider).post("/api/v1/measures/", _body(planning), format="json").status_code == 404
    assert not MitigationPlan.objects.exists()


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_who_does_not_prepare_the_engagement_cannot_add_a_measure(request, planning, who):
    response = api_as(request.getfixturevalue(who)).post("/api/v1/measures/", _body(planning), format="json")

    assert response.status_code == 403
    assert not MitigationPlan.objects.exists()


# --- Changing a measure --------------------------------------------------------------------------------------


@pytest.fixture
def measure(planning):
    return add_measure(planning, title="Vetting", measure_type=MeasureType.SCREENING_EXCLUSION, owner="PM")


def test_the_owner_changes_a_measure_and_what_is_left_out_stays(pm, planning, measure, factor):
    client = api_as(pm)

    response = client.patch(
        f"/api/v1/measures/{measure.pk}/", {"status": "in_progress", "risk_factors": [factor.pk]}, format="json"
    )

    assert response.status_code == 200, response.json()
    measure.refresh_from_db()
    assert (measure.status, measure.title, measure.owner) == ("in_progress", "Vetting", "PM")
    assert list(measure.risk_factors.all()) == [factor]
    entry = _entries().get()
    assert entry.details["measures_changed"] == 1 and entry.details["api_token"] == client.token.pk


def test_changing_refuses_bad_input_field_by_field_and_writes_nothing(pm, measure):
    response = api_as(pm).patch(
        f"/api/v1/measures/{measure.pk}/", {"title": "", "status": "forgotten", "risk_factors": [999999]}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "status", "risk_factors"}
    measure.refresh_from_db()
    assert (measure.title, measure.status) == ("Vetting", "planned")
    assert not _entries().exists()


def test_a_measure_is_not_changed_once_the_plan_is_submitted(pm, planning, measure):
    planning.__class__.objects.filter(pk=planning.pk).update(state=State.APPROVAL)

    response = api_as(pm).patch(f"/api/v1/measures/{measure.pk}/", {"title": "Renamed"}, format="json")

    assert response.status_code == 400
    assert "mitigation stage" in response.json()["error"]["reasons"][0]
    measure.refresh_from_db()
    assert measure.title == "Vetting"


def test_the_outsider_cannot_change_a_measure(outsider, measure):
    assert api_as(outsider).patch(f"/api/v1/measures/{measure.pk}/", {"title": "x"}, format="json").status_code == 404
    measure.refresh_from_db()
    assert measure.title == "Vetting"


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_who_does_not_prepare_the_engagement_cannot_change_a_measure(request, measure, who):
    response = api_as(request.getfixturevalue(who)).patch(f"/api/v1/measures/{measure.pk}/", {"title": "x"}, format="json")

    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Vetting"


def test_a_measure_is_not_replaced_whole_nor_deleted(pm, measure):
    client = api_as(pm)

    assert client.put(f"/api/v1/measures/{measure.pk}/", {"title": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/measures/{measure.pk}/").status_code == 405
    assert MitigationMeasure.objects.filter(pk=measure.pk).exists()
