"""The writes of Action 5 and the approval, called directly: the plan and its measures, the catalogue, and the
intervention procedure (T/Box 7). Each checks the role and the stage and is audited with the change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import AssessmentStatus
from hrddp.models import AuditEntry, State
from mitigation.models import InterventionProcedure, MeasureStatus, MeasureTemplate, MeasureType, MitigationPlan
from mitigation.services import NotEditable, plan_add_from_catalogue, plan_save, procedure_save
from tests.builders import add_measure, complete_assessment, record_coordination, reload
from tests.factories import EngagementFactory, FocalPointFactory

PLAN = {
    "residual_risk": "medium", "residual_risk_justification": "Every factor is targeted.",
    "waive_visibility": False, "visibility_decision": "",
}


def _row(title="Vetting of the unit's officers", factors=(), **fields):
    return {
        "title": title, "measure_type": MeasureType.SCREENING_EXCLUSION, "nature": "preventive", "owner": "PM",
        "due_date": None, "budget_line": "", "status": MeasureStatus.PLANNED, "review_notes": "",
        "risk_factors": [f.pk for f in factors], **fields,
    }


def _entries(engagement, action):
    return list(AuditEntry.objects.filter(engagement=engagement, action=action))


@pytest.fixture
def planning(office_a):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    record_coordination(engagement, mechanism=False)
    complete_assessment(engagement, factors=["Unit 7 detains without charge"], status=AssessmentStatus.ENDORSED)
    return reload(engagement)


def test_the_first_save_draws_up_the_plan_with_its_measures_and_is_audited(pm, planning):
    factor = planning.current_assessment.risk_factors.get()

    plan = plan_save(by=pm, engagement=planning, fields=PLAN, measures=[_row(factors=[factor])])

    assert (plan.residual_risk, plan.engagement_id) == ("medium", planning.pk)
    assert [(m.title, list(m.risk_factors.all())) for m in plan.measures.all()] == [
        ("Vetting of the unit's officers", [factor])
    ]
    [entry] = _entries(planning, "save_mitigation_plan")
    assert entry.actor == pm
    assert entry.details["created"] is True and entry.details["measures_added"] == 1


def test_it_changes_and_removes_the_measures_named_by_id(pm, planning):
    kept = add_measure(planning, title="Vetting")
    gone = add_measure(planning, title="Abandoned idea")

    plan_save(
        by=pm, engagement=planning, fields={"residual_risk": "low", "residual_risk_justification": "Mitigated."},
        measures=[_row("Vetting renamed", id=kept.pk), {"id": gone.pk, "delete": True}],
    )

    plan = MitigationPlan.objects.get(engagement=planning)
    assert plan.residual_risk == "low"
    assert list(plan.measures.values_list("title", flat=True)) == ["Vetting renamed"]
    [entry] = _entries(planning, "save_mitigation_plan")
    assert entry.details["changed"] == ["residual_risk", "residual_risk_justification"]
    assert (entry.details["measures_changed"], entry.details["measures_removed"]) == (1, [gone.pk])


def test_it_refuses_a_measure_of_another_plan_and_writes_nothing(pm, planning, office_a):
    foreign = add_measure(EngagementFactory(office=office_a, state=State.MITIGATION), title="Someone else's")

    with pytest.raises(NotEditable):
        plan_save(by=pm, engagement=planning, fields=PLAN, measures=[_row("Taken over", id=foreign.pk)])

    foreign.refresh_from_db()
    assert foreign.title == "Someone else's"
    assert not MitigationPlan.objects.filter(engagement=planning).exists()
    assert _entries(planning, "save_mitigation_plan") == []


@pytest.mark.parametrize("who", ["com", "outsider"])
def test_only_the_project_manager_saves_the_plan(request, planning, who):
    with pytest.raises(PermissionDenied):
        plan_save(by=request.getfixturevalue(who), engagement=planning, fields=PLAN, measures=[_row()])

    assert not MitigationPlan.objects.filter(engagement=planning).exists()


def test_the_plan_is_not_saved_after_the_mitigation_stage(pm, office_a):
    engagement = EngagementFactory(office=office_a, state=State.APPROVAL)

    with pytest.raises(NotEditable, match="mitigation stage"):
        plan_save(by=pm, engagement=engagement, fields=PLAN, measures=[_row()])
    with pytest.raises(NotEditable, match="mitigation stage"):
        plan_add_from_catalogue(by=pm, engagement=engagement, templates=list(MeasureTemplate.objects.all()[:1]))

    assert not MitigationPlan.objects.filter(engagement=engagement).exists()


def test_measures_from_the_catalogue_start_the_plan_and_are_audited(pm, planning):
    templates = list(MeasureTemplate.objects.filter(title__in=["Pilot support", "Project grievance mechanism"]))

    added = plan_add_from_catalogue(by=pm, engagement=planning, templates=templates)

    assert {m.title for m in added} == {"Pilot support", "Project grievance mechanism"}
    assert MitigationPlan.objects.get(engagement=planning).measures.count() == 2
    [entry] = _entries(planning, "add_measures_from_catalogue")
    assert entry.details["templates"] == sorted(t.pk for t in templates)


@pytest.mark.parametrize("state", [State.MITIGATION, State.APPROVAL])
def test_the_procedure_is_set_and_changed_with_an_audit_entry_each_time(pm, com, office_a, state):
    engagement = EngagementFactory(office=office_a, state=state)
    focal_point = FocalPointFactory(office=office_a)

    procedure = procedure_save(
        by=pm, engagement=engagement, monitoring_responsible=pm, recipient_focal_point=focal_point,
        reporting_to_com="Same-day call.",
    )
    procedure_save(
        by=pm, engagement=engagement, monitoring_responsible=com, recipient_focal_point=focal_point,
        reporting_to_com="Same-day call.",
    )

    procedure.refresh_from_db()
    assert (procedure.monitoring_responsible, procedure.missing()) == (com, [])
    first, second = reversed(_entries(engagement, "set_intervention_procedure"))
    assert first.details["created"] is True
    assert (second.details["created"], second.details["changed"]) == (False, ["monitoring_responsible"])


def test_saving_the_same_procedure_again_writes_nothing(pm, office_a):
    engagement = EngagementFactory(office=office_a, state=State.APPROVAL)
    values = {"monitoring_responsible": pm, "recipient_focal_point": None, "reporting_to_com": "Call."}
    procedure_save(by=pm, engagement=engagement, **values)

    procedure_save(by=pm, engagement=engagement, **values)

    assert len(_entries(engagement, "set_intervention_procedure")) == 1


@pytest.mark.parametrize("state", [State.ASSESSMENT, State.ACTIVE])
def test_the_procedure_is_not_set_outside_mitigation_and_approval(pm, office_a, state):
    engagement = EngagementFactory(office=office_a, state=state)

    with pytest.raises(NotEditable, match="before support is approved"):
        procedure_save(
            by=pm, engagement=engagement, monitoring_responsible=pm, recipient_focal_point=None, reporting_to_com="x"
        )

    assert not InterventionProcedure.objects.filter(engagement=engagement).exists()


@pytest.mark.parametrize("who", ["com", "hq", "outsider"])
def test_only_the_project_manager_sets_the_procedure(request, pm, office_a, who):
    engagement = EngagementFactory(office=office_a, state=State.APPROVAL)

    with pytest.raises(PermissionDenied):
        procedure_save(
            by=request.getfixturevalue(who), engagement=engagement, monitoring_responsible=pm,
            recipient_focal_point=None, reporting_to_com="x",
        )

    assert not InterventionProcedure.objects.filter(engagement=engagement).exists()
    assert _entries(engagement, "set_intervention_procedure") == []


def test_the_procedure_names_only_the_office_s_own_staff_and_focal_points(pm, outsider, office_a, office_b):
    engagement = EngagementFactory(office=office_a, state=State.APPROVAL)

    with pytest.raises(ValidationError) as refused:
        procedure_save(
            by=pm, engagement=engagement, monitoring_responsible=outsider,
            recipient_focal_point=FocalPointFactory(office=office_b), reporting_to_com="x",
        )

    assert set(refused.value.message_dict) == {"monitoring_responsible", "recipient_focal_point"}
    assert not InterventionProcedure.objects.filter(engagement=engagement).exists()
    assert _entries(engagement, "set_intervention_procedure") == []
