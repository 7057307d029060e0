"""The preconditions page (Action 2): four answers with their evidence, then
passing to coordination or recording the request as ineligible."""

import re

import pytest
from django.urls import reverse

from assessments.models import PreconditionsCheck
from hrddp.models import State
from tests.builders import PRECONDITION_EVIDENCE, PRECONDITION_KEYS, record_preconditions, reload
from tests.factories import EngagementFactory
from tests.pages import step_names

MISSING_EVIDENCE = "Give the evidence for this answer."


def _url(engagement):
    return reverse("preconditions", args=[engagement.pk])


def _answers(not_met=(), without_evidence=(), unanswered=()):
    """What a browser posts: an unanswered check sends no radio value and an empty evidence box."""
    data = {}
    for key in PRECONDITION_KEYS:
        if key not in unanswered:
            data[f"{key}_met"] = str(key not in not_met)
        data[f"{key}_evidence"] = "" if key in without_evidence or key in unanswered else PRECONDITION_EVIDENCE[key]
    return data


def _post(client, user, engagement, data):
    client.force_login(user)
    return client.post(_url(engagement), data)


def _get(client, user, engagement):
    client.force_login(user)
    response = client.get(_url(engagement))
    return response, response.content.decode()


def _step(client, user, engagement, name):
    client.force_login(user)
    return client.post(
        reverse("engagement_transition", args=[engagement.pk, name]),
        {"justification": "All four preconditions checked with the Ministry.", "revision": reload(engagement).revision},
    )


def _record(engagement):
    return PreconditionsCheck.objects.filter(engagement=engagement).values().first()




@pytest.fixture
def checking(office_a):
    return EngagementFactory(office=office_a, state=State.PRECONDITIONS)


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, checking):
    response = client.get(_url(checking))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_project_manager_the_four_checks(client, pm, checking):
    response, content = _get(client, pm, checking)

    assert response.status_code == 200
    assert response.context["editable"] is True
    for key in PRECONDITION_KEYS:
        assert f'name="{key}_met"' in content
        assert f'name="{key}_evidence"' in content


def test_it_saves_the_four_answers_with_their_evidence(client, pm, checking):
    response = _post(client, pm, checking, _answers())

    assert response.status_code == 302
    assert response["Location"] == _url(checking)
    check = PreconditionsCheck.objects.get(engagement=checking)
    assert {key: check.result(key) for key in PRECONDITION_KEYS} == {
        key: (True, PRECONDITION_EVIDENCE[key]) for key in PRECONDITION_KEYS
    }
    assert "Preconditions saved." in client.get(response["Location"]).content.decode()


def test_it_prefills_the_form_with_the_saved_answers(client, pm, checking):
    record_preconditions(checking, not_met=["no_weapons"])

    response, _ = _get(client, pm, checking)

    initial = response.context["form"].initial
    assert (initial["no_weapons_met"], initial["no_weapons_evidence"]) == (False, "Not met: see the file note.")
    assert initial["national_ownership_met"] is True


@pytest.mark.parametrize("key", PRECONDITION_KEYS)
def test_it_rerenders_400_when_an_answer_has_no_evidence(client, pm, checking, key):
    response = _post(client, pm, checking, _answers(without_evidence=[key]))

    assert response.status_code == 400
    assert response.context["form"].errors[f"{key}_evidence"] == [MISSING_EVIDENCE]
    assert MISSING_EVIDENCE in response.content.decode()
    assert _record(checking) is None


def test_it_rerenders_400_and_keeps_the_saved_answers_when_evidence_is_blank(client, pm, checking):
    record_preconditions(checking)
    before = _record(checking)
    data = _answers()
    data["no_death_penalty_evidence"] = "   "

    response = _post(client, pm, checking, data)

    assert response.status_code == 400
    assert _record(checking) == before


def test_it_saves_a_partial_check_leaving_an_unanswered_check_open(client, pm, checking):
    response = _post(client, pm, checking, _answers(unanswered=["no_combat_capacity"]))

    assert response.status_code == 302, response.context["form"].errors
    check = PreconditionsCheck.objects.get(engagement=checking)
    assert check.result("no_combat_capacity") == (None, "")
    assert check.result("national_ownership") == (True, PRECONDITION_EVIDENCE["national_ownership"])


def test_it_offers_only_the_pass_once_all_four_are_met(client, pm, checking):
    _post(client, pm, checking, _answers())

    _, content = _get(client, pm, checking)

    assert step_names(content) == {"pass_preconditions"}


def test_it_passes_to_coordination_through_the_step_url(client, pm, checking):
    _post(client, pm, checking, _answers())

    response = _step(client, pm, checking, "pass_preconditions")

    assert response.status_code == 302
    assert reload(checking).state == State.COORDINATION


def test_it_refuses_the_pass_while_a_check_is_unanswered(client, pm, checking):
    record_preconditions(checking, unchecked=["no_combat_capacity"])

    response = _step(client, pm, checking, "pass_preconditions")

    assert response.status_code == 400
    assert "Precondition not yet checked" in response.content.decode()
    assert reload(checking).state == State.PRECONDITIONS


def test_it_offers_only_record_as_ineligible_when_an_answer_is_not_met(client, pm, checking):
    _post(client, pm, checking, _answers(not_met=["no_weapons"]))

    _, content = _get(client, pm, checking)

    assert step_names(content) == {"fail_preconditions"}
    assert "Record as ineligible" in content
    assert "Precondition not met: no weapons, ammunition or weapon-related logistics." in content


def test_it_offers_the_chief_of_mission_record_as_ineligible_too(client, com, checking):
    record_preconditions(checking, not_met=["no_weapons"])

    _, content = _get(client, com, checking)

    assert step_names(content) == {"fail_preconditions"}


def test_it_records_the_request_as_ineligible_through_the_step_url(client, pm, checking):
    _post(client, pm, checking, _answers(not_met=["no_death_penalty"]))

    response = _step(client, pm, checking, "fail_preconditions")

    assert response.status_code == 302
    assert reload(checking).state == State.INELIGIBLE


@pytest.mark.parametrize("state", [State.SCREENING, State.COORDINATION, State.INELIGIBLE])
def test_it_is_read_only_outside_the_stage(client, pm, office_a, state):
    engagement = EngagementFactory(office=office_a, state=state)
    record_preconditions(engagement, not_met=["no_weapons"])
    before = _record(engagement)

    response, content = _get(client, pm, engagement)
    assert response.context["editable"] is False
    assert 'name="no_weapons_met"' not in content

    response = _post(client, pm, engagement, _answers())

    assert response.status_code == 302
    assert response["Location"] == reverse("engagement_detail", args=[engagement.pk])
    assert _record(engagement) == before
    page = client.get(response["Location"]).content.decode()
    assert "The preconditions check can only be changed while the engagement is at that stage." in page


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_forbids_others_to_save_the_answers(client, request, checking, who):
    response = _post(client, request.getfixturevalue(who), checking, _answers())

    assert response.status_code == 403
    assert _record(checking) is None


def test_it_shows_the_auditor_the_page_read_only(client, auditor, checking):
    record_preconditions(checking)

    response, content = _get(client, auditor, checking)

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert PRECONDITION_EVIDENCE["no_weapons"] in content


def test_it_returns_404_to_the_outsider(client, outsider, checking):
    client.force_login(outsider)

    assert client.get(_url(checking)).status_code == 404
    assert client.post(_url(checking), _answers()).status_code == 404
    assert _record(checking) is None
