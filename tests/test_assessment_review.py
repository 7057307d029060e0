"""The Chief of Mission's review on the version page (engagements/<pk>/assessment/v<n>/): while
the engagement awaits endorsement the page offers the steps return / endorse / endorse with the
plan standing / decline, which post to the step URL; after a decline it offers the P¶16
'unless and until' letter."""

import re

import pytest
from django.urls import reverse

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp.models import AuditEntry, State
from tests.builders import engagement_ready_for, reload, take
from tests.pages import outside_record_panels, step_revisions

RETURN = "Element 11 is thin: add the views of the women's groups on the IDP site."
ENDORSE = "Endorsed: medium risk, manageable with the mitigation plan."
DECLINE = "High risk of grave violations by the border unit; no mitigation can reduce it."


def _url(engagement, version=1):
    return reverse("risk_assessment_version", args=[engagement.pk, version])


def _step_url(engagement, name):
    return reverse("engagement_transition", args=[engagement.pk, name])


def _review_page(client, user, engagement, version=1):
    client.force_login(user)
    response = client.get(_url(engagement, version))
    return response, response.content.decode()




def _decide_from_page(client, user, engagement, name, justification, version=1):
    """Open the review page, then post the step's form found on it, as the browser would."""
    _, content = _review_page(client, user, engagement, version)
    forms = step_revisions(content)
    url = _step_url(engagement, name)
    assert url in forms, f"{name} is not offered on the review page: {sorted(forms)}"
    return client.post(url, {"justification": justification, "revision": forms[url]})


def _contents(assessment) -> tuple:
    assessment = RiskAssessment.objects.get(pk=assessment.pk)
    return (
        assessment.final_rating, assessment.final_justification,
        sorted(assessment.elements.values_list("element", "narrative", "rating")),
        sorted(assessment.sources.values_list("citation", "is_un_source", "reliability", "element")),
        sorted(assessment.risk_factors.values_list("description", "element")),
    )


@pytest.fixture
def awaiting(office_a):
    """An engagement awaiting the endorsement of its version 1, rated medium."""
    return engagement_ready_for("endorse", office=office_a)


@pytest.fixture
def awaiting_high(office_a):
    """An engagement awaiting the endorsement of its version 1, rated high."""
    return engagement_ready_for("decline", office=office_a)


def test_the_chief_of_mission_is_offered_endorse_and_return_as_forms_posting_to_the_step_urls(client, com, awaiting):
    response, content = _review_page(client, com, awaiting)

    assert response.status_code == 200
    assert "Endorsement by the Chief of Mission" in content
    assert step_revisions(content) == {
        _step_url(awaiting, "endorse"): str(awaiting.revision),
        _step_url(awaiting, "return_assessment"): str(awaiting.revision),
    }


def test_decline_and_the_plan_standing_are_shown_as_not_possible_with_their_reasons(client, com, awaiting):
    _, content = _review_page(client, com, awaiting)

    assert "Not possible yet" in content
    assert "Support can only be declined when the risk assessment&#x27;s final rating is high." in content
    assert "Support has never been approved for this engagement" in content
    assert _step_url(awaiting, "decline") not in step_revisions(content)


def test_the_chief_of_mission_endorses_through_the_step_url_from_the_review_page(client, com, awaiting):
    assessment = awaiting.current_assessment
    seen = _contents(assessment)

    response = _decide_from_page(client, com, awaiting, "endorse", ENDORSE)

    assert response.status_code == 302
    engagement = reload(awaiting)
    assert engagement.state == State.MITIGATION
    assessment.refresh_from_db()
    assert (assessment.status, assessment.decided_by) == (AssessmentStatus.ENDORSED, com)
    entry = AuditEntry.objects.get(action="endorse")
    assert (entry.actor, entry.from_state, entry.to_state, entry.justification) == (
        com, State.ENDORSEMENT, State.MITIGATION, ENDORSE
    )
    assert _contents(assessment) == seen  # the endorsed version is exactly what the Chief of Mission read
    _, content = _review_page(client, com, awaiting)
    assert f"<dt>Endorsed by</dt>\n      <dd>{com}, <time" in content
    assert ENDORSE in content  # in the steps taken on this version
    assert step_revisions(content) == {}


def test_an_endorsed_version_can_no_longer_be_changed_from_the_form(client, pm, com, awaiting):
    _decide_from_page(client, com, awaiting, "endorse", ENDORSE)
    assessment = awaiting.current_assessment
    seen = _contents(assessment)
    client.force_login(pm)

    response = client.post(
        reverse("risk_assessment_edit", args=[awaiting.pk]), {"final-final_rating": "low", "revision": "1"}
    )

    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    assert _contents(assessment) == seen


def test_the_chief_of_mission_returns_it_with_comments_that_the_project_manager_then_reads(client, pm, com, awaiting):
    response = _decide_from_page(client, com, awaiting, "return_assessment", RETURN)

    assert response.status_code == 302
    engagement = reload(awaiting)
    assert engagement.state == State.ASSESSMENT
    assessment = engagement.current_assessment
    assert (assessment.version, assessment.status, assessment.review_comments) == (1, AssessmentStatus.DRAFT, RETURN)
    client.force_login(pm)
    content = client.get(reverse("risk_assessment_edit", args=[awaiting.pk])).content.decode()
    assert "Element 11 is thin: add the views of the women&#x27;s groups on the IDP site." in content
    assert 'class="risk-form"' in content  # the project manager can write it again


def test_declining_a_high_risk_assessment_offers_the_unless_and_until_letter(client, com, awaiting_high):
    response = _decide_from_page(client, com, awaiting_high, "decline", DECLINE)

    assert response.status_code == 302
    engagement = reload(awaiting_high)
    assert engagement.state == State.DECLINED
    assessment = engagement.current_assessment
    assert (assessment.status, assessment.decided_by) == (AssessmentStatus.DECLINED, com)
    _, content = _review_page(client, com, awaiting_high)
    assert "Support declined" in content
    assert f'href="/engagements/{awaiting_high.pk}/letters/new/?kind=unless_and_until"' in content
    assert step_revisions(content) == {_step_url(awaiting_high, "reconsider"): str(engagement.revision)}


@pytest.mark.parametrize(("user", "offered"), [("pm", True), ("com", True), ("hq", False), ("auditor", False)])
def test_the_letter_is_offered_to_the_office_but_not_to_readers(client, awaiting_high, com, user, offered, request):
    take(awaiting_high, "decline", com, justification=DECLINE)

    _, content = _review_page(client, request.getfixturevalue(user), awaiting_high)

    assert ("letters/new/?kind=unless_and_until" in content) is offered


def test_the_plan_standing_is_offered_for_a_reassessment_after_support_was_approved(client, com, office_a):
    engagement = engagement_ready_for("endorse_plan_stands", office=office_a)
    version = engagement.current_assessment.version

    response = _decide_from_page(
        client, com, engagement, "endorse_plan_stands", "The plan stands; no new risk factor.", version=version
    )

    assert response.status_code == 302
    assert reload(engagement).state == State.ACTIVE
    assert reload(engagement).current_assessment.status == AssessmentStatus.ENDORSED


def test_an_earlier_version_offers_no_review_step(client, com, office_a):
    engagement = engagement_ready_for("endorse_plan_stands", office=office_a)
    assert engagement.current_assessment.version == 2

    _, content = _review_page(client, com, engagement, version=1)

    assert step_revisions(content) == {}
    assert "Endorsement by the Chief of Mission" not in content


def test_the_project_manager_reads_that_the_version_awaits_endorsement_without_any_step(client, pm, awaiting):
    _, content = _review_page(client, pm, awaiting)

    assert "awaits the Chief of Mission's endorsement. It can no longer be changed." in content
    assert step_revisions(content) == {}


def test_a_decision_on_a_page_loaded_before_the_assessment_was_returned_and_resubmitted_is_refused(
    client, pm, com, awaiting
):
    _, stale = _review_page(client, com, awaiting)
    take(awaiting, "return_assessment", com, justification=RETURN)
    take(awaiting, "submit_assessment", pm, justification="Added the women's groups' views.")

    response = client.post(
        _step_url(awaiting, "endorse"), {"justification": ENDORSE, "revision": step_revisions(stale)[_step_url(awaiting, "endorse")]}
    )

    assert response.status_code == 409
    assert reload(awaiting).state == State.ENDORSEMENT
    assert not AuditEntry.objects.filter(action="endorse").exists()


@pytest.mark.parametrize("user", ["hq", "auditor"])
def test_hq_and_the_auditor_read_the_version_without_steps_and_may_not_decide(client, awaiting, user, request):
    reader = request.getfixturevalue(user)

    response, content = _review_page(client, reader, awaiting)
    posted = client.post(_step_url(awaiting, "endorse"), {"justification": ENDORSE, "revision": awaiting.revision})

    assert response.status_code == 200
    assert "<form" not in outside_record_panels(content).split('<main id="main">')[1]
    assert posted.status_code == 403
    assert reload(awaiting).state == State.ENDORSEMENT


def test_the_project_manager_may_not_endorse_through_the_step_url(client, pm, awaiting):
    client.force_login(pm)

    response = client.post(_step_url(awaiting, "endorse"), {"justification": ENDORSE, "revision": awaiting.revision})

    assert response.status_code == 403
    assert reload(awaiting).state == State.ENDORSEMENT


def test_it_returns_404_for_another_offices_engagement(client, outsider, com_b, awaiting):
    for user in (outsider, com_b):
        response, content = _review_page(client, user, awaiting)
        posted = client.post(_step_url(awaiting, "endorse"), {"justification": ENDORSE, "revision": awaiting.revision})

        assert response.status_code == 404
        assert awaiting.title not in content
        assert posted.status_code == 404
    assert reload(awaiting).state == State.ENDORSEMENT
