"""A screening and exclusion measure of the mitigation plan names the person it keeps out of the support (P¶16): the
project manager picks one of the persons of interest of the recipient's force on the plan page; no other measure
names one, and no one of another force."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from assessments.models import AssessmentStatus
from hrddp.models import CommandPeriod, PersonOfInterest, Recipient, State
from mitigation.models import MeasureType, MitigationMeasure
from mitigation.services import NotEditable, plan_save
from register.rules_services import support_continuation_record
from tests.builders import complete_assessment, record_coordination, reload
from tests.factories import EngagementFactory
from tests.test_commander_rules import substantiate
from tests.test_mitigation_plan_page import _data, _existing, _get, _measure, _post


@pytest.fixture
def planning(office_a):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    record_coordination(engagement, mechanism=False)
    complete_assessment(engagement, rating="low", factors=[], status=AssessmentStatus.ENDORSED)
    return reload(engagement)


@pytest.fixture
def command(planning):
    return Recipient.objects.create(
        name="Esse Province", country=planning.recipient.country, category="police", level="command",
        parent=planning.recipient,
    )


@pytest.fixture
def reyl(command):
    return PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=command)


@pytest.fixture
def stranger(planning):
    other_force = Recipient.objects.create(name="Darvonian Army", country=planning.recipient.country, category="military")
    return PersonOfInterest.objects.create(full_name="Ana Sorr", rank="General", recipient=other_force)


def test_the_project_manager_picks_the_person_a_screening_measure_excludes(client, pm, planning, reyl, stranger):
    # Given the plan page, offering the persons of the recipient's force
    response, content = _get(client, pm, planning)
    offered = dict(response.context["formset"].forms[0].fields["excludes_person"].choices)
    assert "Colonel Tomas Reyl (Esse Province)" in offered.values()
    assert "General Ana Sorr (Darvonian Army)" not in offered.values()
    assert "Person it excludes from the support" in content

    # When a screening and exclusion measure names Colonel Reyl
    response = _post(client, pm, planning, _data(_measure("Keep Colonel Reyl out", excludes_person=reyl.pk)))

    # Then it is saved with him
    assert response.status_code == 302
    assert MitigationMeasure.objects.get().excludes_person == reyl


def test_only_a_screening_and_exclusion_measure_names_a_person(client, pm, planning, reyl):
    response = _post(client, pm, planning, _data(
        _measure("Logbooks", measure_type=MeasureType.MONITORING, excludes_person=reyl.pk)
    ))

    assert response.status_code == 400
    (error,) = response.context["formset"].forms[0].errors["excludes_person"]
    assert error.startswith("Only a screening and exclusion measure excludes a person")
    assert not MitigationMeasure.objects.exists()


def test_a_person_of_another_force_is_not_one_of_the_choices(client, pm, planning, stranger):
    response = _post(client, pm, planning, _data(_measure("Keep her out", excludes_person=stranger.pk)))

    assert response.status_code == 400
    assert "excludes_person" in response.context["formset"].forms[0].errors
    assert not MitigationMeasure.objects.exists()


def test_the_service_holds_any_caller_to_the_same_rules(pm, planning, reyl, stranger):
    row = {"title": "Keep her out", "measure_type": MeasureType.SCREENING_EXCLUSION, "excludes_person": stranger.pk}
    with pytest.raises(ValidationError) as refused:
        plan_save(by=pm, engagement=planning, fields={}, measures=[row])
    assert refused.value.message_dict == {
        "excludes_person": ["“Keep her out”: exclude a person of interest of the recipient's force."]
    }

    row = {"title": "Logbooks", "measure_type": MeasureType.MONITORING, "excludes_person": reyl.pk}
    with pytest.raises(ValidationError):
        plan_save(by=pm, engagement=planning, fields={}, measures=[row])
    assert not MitigationMeasure.objects.exists()


def test_a_measure_the_chief_of_missions_decision_rests_on_is_dropped_not_removed(client, pm, com, planning, reyl):
    # Given Colonel Reyl commands the supported force with a substantiated allegation, and the way out is recorded
    CommandPeriod.objects.create(
        person=reyl, unit=planning.recipient, position="Chief of Police", start_date=date(2025, 1, 1)
    )
    substantiate(reyl, pm, com)
    plan = plan_save(by=pm, engagement=planning, fields={}, measures=[
        {"title": "Keep Colonel Reyl out", "measure_type": MeasureType.SCREENING_EXCLUSION, "excludes_person": reyl.pk}
    ])
    measure = plan.measures.get()
    support_continuation_record(by=com, engagement=planning, person=reyl, measure=measure, reason="Moved.")

    # When the project manager removes the measure, then the plan says to drop it instead
    response = _post(client, pm, planning, _data(_existing(measure, DELETE=True, excludes_person=reyl.pk), initial=1))

    assert response.status_code == 302
    assert MitigationMeasure.objects.filter(pk=measure.pk).exists()
    assert "set its status to dropped instead" in client.get(response["Location"]).content.decode()
    with pytest.raises(NotEditable):
        plan_save(by=pm, engagement=planning, fields={}, measures=[{"id": measure.pk, "delete": True}])


def test_the_read_only_plan_says_whom_a_measure_excludes(client, pm, reyl, planning):
    plan_save(by=pm, engagement=planning, fields={}, measures=[
        {"title": "Keep Colonel Reyl out", "measure_type": MeasureType.SCREENING_EXCLUSION, "excludes_person": reyl.pk}
    ])
    type(planning).objects.filter(pk=planning.pk).update(state=State.APPROVAL)

    _, content = _get(client, pm, planning)

    assert "Excludes Colonel Tomas Reyl from the support" in content
