"""The approval page: the internal intervention procedure (T/Box 7), the
notification letter (P¶19), the residual risk, and the COM's approval."""

import re

import pytest
from django.urls import reverse

from hrddp.models import Role, State
from mitigation.models import InterventionProcedure, MitigationPlan
from tests.builders import engagement_ready_for, fill_procedure, issue_notification_letter, reload
from tests.factories import EngagementFactory, FocalPointFactory, user_with_role
from tests.pages import step_names

LETTER_MISSING = "The notification letter on the core principles (P¶19) has not been issued"
RESIDUAL_HIGH = "The residual risk after mitigation is high: support cannot be approved."
REPORTING = "Same-day call to the Chief of Mission; written report within 48 hours."


def _url(engagement):
    return reverse("approval", args=[engagement.pk])


def _data(monitor, focal_point, reporting=REPORTING):
    return {
        "monitoring_responsible": monitor.pk if monitor else "",
        "recipient_focal_point": focal_point.pk if focal_point else "",
        "reporting_to_com": reporting,
    }


def _post(client, user, engagement, data):
    client.force_login(user)
    return client.post(_url(engagement), data)


def _get(client, user, engagement):
    client.force_login(user)
    response = client.get(_url(engagement))
    return response, response.content.decode()


def _approve(client, user, engagement, name="approve_support"):
    client.force_login(user)
    return client.post(
        reverse("engagement_transition", args=[engagement.pk, name]),
        {"justification": "Residual risk acceptable; the authority has been notified.", "revision": reload(engagement).revision},
    )


def _procedure(engagement):
    return InterventionProcedure.objects.filter(engagement=engagement).values().first()




@pytest.fixture
def awaiting(office_a):
    """Awaiting approval: endorsed assessment, submitted medium-residual plan; no letter, no procedure yet."""
    return engagement_ready_for("return_plan", State.APPROVAL, office=office_a)


@pytest.fixture
def focal_point(office_a):
    return FocalPointFactory(office=office_a, full_name="Idris Valemo")


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, awaiting):
    response = client.get(_url(awaiting))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_project_manager_the_procedure_form(client, pm, awaiting):
    response, content = _get(client, pm, awaiting)

    assert response.status_code == 200
    assert response.context["editable"] is True
    assert 'name="monitoring_responsible"' in content
    assert "No notification letter yet." in content


def test_it_offers_only_the_offices_users_and_focal_points(client, pm, com, outsider, awaiting, focal_point, office_b):
    other_focal_point = FocalPointFactory(office=office_b)

    response, _ = _get(client, pm, awaiting)

    form = response.context["form"]
    assert set(form.fields["monitoring_responsible"].queryset) == {pm, com}
    assert set(form.fields["recipient_focal_point"].queryset) == {focal_point}
    assert other_focal_point not in form.fields["recipient_focal_point"].queryset


def test_it_saves_the_procedure(client, pm, com, awaiting, focal_point):
    response = _post(client, pm, awaiting, _data(com, focal_point))

    assert response.status_code == 302
    assert response["Location"] == _url(awaiting)
    procedure = InterventionProcedure.objects.get(engagement=awaiting)
    assert (procedure.monitoring_responsible, procedure.recipient_focal_point, procedure.reporting_to_com) == (
        com, focal_point, REPORTING,
    )
    assert procedure.missing() == []
    assert "Intervention procedure saved." in client.get(response["Location"]).content.decode()


def test_it_updates_a_saved_procedure(client, pm, com, awaiting, focal_point):
    fill_procedure(awaiting, monitor=pm, focal_point=focal_point)

    _post(client, pm, awaiting, _data(com, focal_point, reporting="Written report within 24 hours."))

    procedure = InterventionProcedure.objects.get(engagement=awaiting)
    assert (procedure.monitoring_responsible, procedure.reporting_to_com) == (com, "Written report within 24 hours.")


def test_it_saves_the_procedure_at_the_mitigation_stage_too(client, pm, office_a, focal_point):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)

    response = _post(client, pm, engagement, _data(pm, focal_point))

    assert response.status_code == 302
    assert InterventionProcedure.objects.filter(engagement=engagement).exists()


def test_it_rejects_a_focal_point_of_another_office(client, pm, awaiting, office_b):
    foreign = FocalPointFactory(office=office_b)

    response = _post(client, pm, awaiting, _data(pm, foreign))

    assert response.status_code == 400
    assert response.context["form"].errors["recipient_focal_point"]
    assert 'class="field-error"' in response.content.decode()
    assert _procedure(awaiting) is None


@pytest.mark.parametrize("who", ["outsider", "com_b", "hq"])
def test_it_rejects_a_monitor_who_is_not_one_of_the_offices_users(client, request, pm, awaiting, focal_point, who):
    response = _post(client, pm, awaiting, _data(request.getfixturevalue(who), focal_point))

    assert response.status_code == 400
    assert response.context["form"].errors["monitoring_responsible"]
    assert _procedure(awaiting) is None


def test_it_rejects_a_deactivated_user_of_the_office(client, pm, awaiting, focal_point, office_a):
    former = user_with_role(Role.PROJECT_MANAGER, office_a, username="former.pm", is_active=False)

    response = _post(client, pm, awaiting, _data(former, focal_point))

    assert response.status_code == 400
    assert response.context["form"].errors["monitoring_responsible"]


@pytest.mark.parametrize("missing", ["monitoring_responsible", "recipient_focal_point", "reporting_to_com"])
def test_it_rerenders_400_when_a_field_is_missing(client, pm, awaiting, focal_point, missing):
    data = _data(pm, focal_point)
    data[missing] = ""

    response = _post(client, pm, awaiting, data)

    assert response.status_code == 400
    assert response.context["form"].errors[missing]
    assert _procedure(awaiting) is None


def test_it_keeps_the_saved_procedure_when_the_new_one_is_invalid(client, pm, awaiting, focal_point):
    fill_procedure(awaiting, monitor=pm, focal_point=focal_point)
    before = _procedure(awaiting)

    response = _post(client, pm, awaiting, _data(None, focal_point))

    assert response.status_code == 400
    assert _procedure(awaiting) == before


def test_it_refuses_approval_before_the_notification_letter_is_issued(client, pm, com, awaiting, focal_point):
    _post(client, pm, awaiting, _data(pm, focal_point))
    issue_notification_letter(awaiting, issued=False)  # a draft does not count

    response = _approve(client, com, awaiting)

    assert response.status_code == 400
    assert LETTER_MISSING in response.content.decode()
    assert reload(awaiting).state == State.APPROVAL


def test_it_shows_the_chief_of_mission_why_approval_is_not_possible_yet(client, com, awaiting):
    response, content = _get(client, com, awaiting)

    assert response.context["editable"] is False
    assert step_names(content) == {"return_plan"}
    assert "Not possible yet" in content
    assert "<strong>Approve support</strong>" in content
    assert LETTER_MISSING in content


def test_it_refuses_approval_with_a_high_residual_risk(client, com, awaiting):
    MitigationPlan.objects.filter(engagement=awaiting).update(residual_risk="high")
    issue_notification_letter(awaiting)
    fill_procedure(awaiting)

    response = _approve(client, com, awaiting)

    assert response.status_code == 400
    assert RESIDUAL_HIGH in response.content.decode()
    assert reload(awaiting).state == State.APPROVAL


def test_it_refuses_approval_without_the_procedure(client, com, awaiting):
    issue_notification_letter(awaiting)

    response = _approve(client, com, awaiting)

    assert response.status_code == 400
    assert "The internal intervention procedure" in response.content.decode()
    assert reload(awaiting).state == State.APPROVAL


def test_the_chief_of_mission_approves_once_the_procedure_is_set_and_the_letter_issued(
    client, pm, com, awaiting, focal_point
):
    _post(client, pm, awaiting, _data(pm, focal_point))
    letter = issue_notification_letter(awaiting, signatory=com)
    _, content = _get(client, com, awaiting)
    assert step_names(content) == {"approve_support", "return_plan"}
    assert f"{letter.reference}</a> (English) — issued" in content

    response = _approve(client, com, awaiting)

    assert response.status_code == 302
    engagement = reload(awaiting)
    assert engagement.state == State.ACTIVE
    assert engagement.support_approved_at is not None


def test_the_project_manager_may_not_approve(client, pm, office_a):
    engagement = engagement_ready_for("approve_support", office=office_a)

    assert _approve(client, pm, engagement).status_code == 403
    assert reload(engagement).state == State.APPROVAL


@pytest.mark.parametrize("state", [State.ACTIVE, State.ASSESSMENT])
def test_it_is_read_only_outside_mitigation_and_approval(client, pm, office_a, state, focal_point):
    engagement = EngagementFactory(office=office_a, state=state)
    fill_procedure(engagement, monitor=pm, focal_point=focal_point)
    before = _procedure(engagement)

    response, content = _get(client, pm, engagement)
    assert response.context["editable"] is False
    assert 'name="monitoring_responsible"' not in content
    assert "Idris Valemo" in content

    response = _post(client, pm, engagement, _data(pm, focal_point, reporting="Changed afterwards."))

    assert response.status_code == 302
    assert response["Location"] == _url(engagement)
    assert _procedure(engagement) == before
    assert "The procedure is set before support is approved." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_forbids_others_to_save_the_procedure(client, request, pm, awaiting, focal_point, who):
    response = _post(client, request.getfixturevalue(who), awaiting, _data(pm, focal_point))

    assert response.status_code == 403
    assert _procedure(awaiting) is None


def test_it_returns_404_to_the_outsider(client, outsider, pm, awaiting, focal_point):
    client.force_login(outsider)

    assert client.get(_url(awaiting)).status_code == 404
    assert client.post(_url(awaiting), _data(pm, focal_point)).status_code == 404
    assert _procedure(awaiting) is None
