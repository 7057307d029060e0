"""The coordination page (Action 3): the country mechanism, its GPRAF and core
measures, whom to inform, and the core measures carried into the plan."""

import re
from datetime import date

import pytest
from django.urls import reverse

from assessments.models import CoordinationRecord
from hrddp.models import State
from mitigation.models import MeasureType, MitigationPlan
from tests.builders import GPRAF_CORE_MEASURES, record_coordination, reload
from tests.factories import EngagementFactory

INFORM = "HRDDP Task Force secretariat (Office of the Resident Coordinator)"


def _url(engagement):
    return reverse("coordination", args=[engagement.pk])


def _data(mechanism=True, **fields):
    data = {
        "mechanism_exists": str(mechanism), "gpraf_reference": "GPRAF Darvonia 2025", "gpraf_date": "2025-11-03",
        "core_mitigation_measures": "\n".join(GPRAF_CORE_MEASURES), "inform_of_decisions": INFORM,
    }
    if not mechanism:
        data.update(gpraf_reference="", gpraf_date="", core_mitigation_measures="", inform_of_decisions="")
    data.update(fields)
    return data


def _post(client, user, engagement, data):
    client.force_login(user)
    return client.post(_url(engagement), data)


def _get(client, user, engagement):
    client.force_login(user)
    response = client.get(_url(engagement))
    return response, response.content.decode()


def _record(engagement):
    return CoordinationRecord.objects.filter(engagement=engagement).values().first()


@pytest.fixture
def coordinating(office_a):
    return EngagementFactory(office=office_a, state=State.COORDINATION)


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, coordinating):
    response = client.get(_url(coordinating))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("has_mechanism", [True, False])
def test_it_takes_the_initial_mechanism_answer_from_the_office(client, pm, office_a, coordinating, has_mechanism):
    office_a.has_country_mechanism = has_mechanism
    office_a.save()

    response, content = _get(client, pm, coordinating)

    assert response.status_code == 200
    assert response.context["form"].initial["mechanism_exists"] is has_mechanism
    assert re.search(rf'<input type="radio" name="mechanism_exists" value="{has_mechanism}"[^>]* checked>', content)


def test_it_prefills_the_form_from_the_saved_record_rather_than_the_office(client, pm, office_a, coordinating):
    office_a.has_country_mechanism = True
    office_a.save()
    record_coordination(coordinating, mechanism=False)

    response, _ = _get(client, pm, coordinating)

    assert response.context["form"].initial["mechanism_exists"] is False


@pytest.mark.parametrize(
    "data, field, message",
    [
        (_data(inform_of_decisions="  "), "inform_of_decisions", "Name who in the mechanism is informed of decisions."),
        (_data(gpraf_date=""), "gpraf_date", "Give the date of the GPRAF."),
        (
            _data(mechanism=False, core_mitigation_measures="Human-rights clause"), "core_mitigation_measures",
            "Core measures come from a country mechanism",
        ),
        (_data(mechanism=""), "mechanism_exists", ""),
        (_data(gpraf_date="3 November"), "gpraf_date", ""),
    ],
    ids=["mechanism-without-inform", "gpraf-without-date", "core-measures-without-mechanism", "no-answer", "bad-date"],
)
def test_it_rerenders_400_and_saves_nothing_on_bad_input(client, pm, coordinating, data, field, message):
    response = _post(client, pm, coordinating, data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert message in response.content.decode()
    assert _record(coordinating) is None


def test_it_saves_a_mechanism_with_its_gpraf_and_whom_to_inform(client, pm, coordinating):
    response = _post(client, pm, coordinating, _data(core_mitigation_measures="\n  Clause A  \n\nClause B\n"))

    assert response.status_code == 302
    assert response["Location"] == _url(coordinating)
    record = CoordinationRecord.objects.get(engagement=coordinating)
    assert (record.mechanism_exists, record.gpraf_reference, record.gpraf_date) == (
        True, "GPRAF Darvonia 2025", date(2025, 11, 3),
    )
    assert record.core_measure_lines() == ["Clause A", "Clause B"]
    assert record.inform_of_decisions == INFORM
    assert "Coordination record saved." in client.get(response["Location"]).content.decode()


def test_it_saves_the_absence_of_a_mechanism(client, pm, coordinating):
    response = _post(client, pm, coordinating, _data(mechanism=False))

    assert response.status_code == 302
    assert CoordinationRecord.objects.get(engagement=coordinating).mechanism_exists is False


def test_it_updates_the_saved_record(client, pm, coordinating):
    record_coordination(coordinating, mechanism=False)

    _post(client, pm, coordinating, _data())

    assert CoordinationRecord.objects.get(engagement=coordinating).mechanism_exists is True
    assert CoordinationRecord.objects.count() == 1


def test_it_copies_each_core_measure_into_the_plan_on_completion(client, pm, coordinating):
    _post(client, pm, coordinating, _data(core_mitigation_measures="\n".join(GPRAF_CORE_MEASURES) + "\n\n"))

    response = client.post(
        reverse("engagement_transition", args=[coordinating.pk, "complete_coordination"]),
        {"justification": "Coordinated with the HRDDP Task Force.", "revision": reload(coordinating).revision},
    )

    assert response.status_code == 302
    assert reload(coordinating).state == State.ASSESSMENT
    plan = MitigationPlan.objects.get(engagement=coordinating)
    measures = list(plan.measures.order_by("pk").values_list("title", "from_gpraf", "measure_type"))
    assert measures == [(line, True, MeasureType.COMMUNICATIONS) for line in GPRAF_CORE_MEASURES]


def test_it_copies_no_measure_without_a_mechanism(client, pm, coordinating):
    _post(client, pm, coordinating, _data(mechanism=False))

    client.post(
        reverse("engagement_transition", args=[coordinating.pk, "complete_coordination"]),
        {"justification": "No country mechanism in Darvonia.", "revision": reload(coordinating).revision},
    )

    assert reload(coordinating).state == State.ASSESSMENT
    assert not MitigationPlan.objects.get(engagement=coordinating).measures.exists()


def test_it_shows_the_completion_refused_until_the_mechanism_is_recorded(client, pm, coordinating):
    _, content = _get(client, pm, coordinating)

    assert "Not possible yet" in content
    assert "Record whether a UN HRDDP country mechanism exists." in content


@pytest.mark.parametrize("state", [State.PRECONDITIONS, State.ASSESSMENT, State.ACTIVE])
def test_it_is_read_only_outside_the_stage(client, pm, office_a, state):
    engagement = EngagementFactory(office=office_a, state=state)
    record_coordination(engagement)
    before = _record(engagement)

    response, content = _get(client, pm, engagement)
    assert response.context["editable"] is False
    assert 'name="mechanism_exists"' not in content
    assert "GPRAF Darvonia 2025" in content

    response = _post(client, pm, engagement, _data(mechanism=False))

    assert response.status_code == 302
    assert response["Location"] == reverse("engagement_detail", args=[engagement.pk])
    assert _record(engagement) == before
    page = client.get(response["Location"]).content.decode()
    assert "The coordination record can only be changed while the engagement is at that stage." in page


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_forbids_others_to_save_the_record(client, request, coordinating, who):
    response = _post(client, request.getfixturevalue(who), coordinating, _data())

    assert response.status_code == 403
    assert _record(coordinating) is None


def test_it_returns_404_to_the_outsider(client, outsider, coordinating):
    client.force_login(outsider)

    assert client.get(_url(coordinating)).status_code == 404
    assert client.post(_url(coordinating), _data()).status_code == 404
    assert _record(coordinating) is None
