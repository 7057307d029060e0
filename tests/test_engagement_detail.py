"""The engagement page: state, history, the steps open to the user as buttons,
the blocked steps with their reasons, the lifecycle drawing, and who may see it."""

import re

import pytest
from django.urls import reverse

from assessments.models import RiskAssessment
from hrddp.models import AuditEntry, State
from hrddp.services import engagement_transition
from tests.factories import EngagementFactory, SupportActivityFactory
from tests.pages import step_urls

# At most this many queries, whatever the number of activities and history entries
# (the guards of each step out of the current state run their own queries).
MAX_QUERIES = 32


def _url(engagement):
    return reverse("engagement_detail", args=[engagement.pk])


def _step_url(engagement, name):
    return reverse("engagement_transition", args=[engagement.pk, name])


def _page(client, user, engagement):
    client.force_login(user)
    response = client.get(_url(engagement))
    return response, response.content.decode()




@pytest.fixture
def screened(pm, engagement):
    """Office A's engagement, taken from draft to screening by the PM."""
    SupportActivityFactory(engagement=engagement, description="Community-policing training")
    engagement_transition(
        engagement_id=engagement.pk, name="start_screening", by=pm, justification="The police asked for training."
    )
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def assessing(office_a, pm):
    """An engagement in risk assessment whose assessment has no final rating."""
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    RiskAssessment.objects.create(engagement=engagement, version=1, created_by=pm)
    return engagement


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, engagement):
    response = client.get(_url(engagement))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_owner_the_state(client, pm, screened):
    response, content = _page(client, pm, screened)

    assert response.status_code == 200
    assert screened.title in content
    assert '<span class="state state-screening">Screening</span>' in content


def test_it_shows_the_owner_the_history_with_who_when_from_to_and_why(client, pm, screened):
    entry = AuditEntry.objects.get(engagement=screened)

    response, content = _page(client, pm, screened)

    assert response.context["history"] == [entry]
    assert str(pm) in content
    assert f'<time datetime="{entry.at.isoformat()}">' in content
    assert '<td data-label="Step">Start screening</td>' in content
    assert '<td data-label="From">Draft</td>' in content
    assert '<td data-label="To">Screening</td>' in content
    assert "The police asked for training." in content


def test_it_shows_the_owner_the_steps_it_may_take_as_forms_posting_to_the_step_url(client, pm, screened):
    response, content = _page(client, pm, screened)

    offered = {choice.info.name for choice in response.context["offered"]}
    assert offered == {"conclude_applicable", "withdraw_request"}
    assert step_urls(content) == {_step_url(screened, name) for name in offered}
    assert f'<input type="hidden" name="revision" value="{screened.revision}">' in content
    assert "Conclude: HRDDP applies" in content


def test_it_shows_the_owner_the_blocked_steps_with_their_reasons(client, pm, screened):
    response, content = _page(client, pm, screened)

    blocked = {choice.info.name: choice.refusals for choice in response.context["blocked"]}
    assert set(blocked) == {"conclude_not_applicable"}
    assert _step_url(screened, "conclude_not_applicable") not in content
    assert "The screening answers say the policy applies" in content


def test_it_explains_that_an_assessment_without_a_final_rating_cannot_be_submitted(client, pm, assessing):
    response, content = _page(client, pm, assessing)

    assert response.status_code == 200
    assert "Not possible yet" in content
    assert "Submit the assessment for endorsement" in content
    assert "The risk assessment has no final rating yet." in content
    assert _step_url(assessing, "submit_assessment") not in step_urls(content)


def test_it_draws_the_lifecycle_with_the_current_state_highlighted(client, pm, assessing):
    _, content = _page(client, pm, assessing)

    assert "<svg" in content
    assert "Engagement lifecycle" in content
    nodes = {state: classes for classes, state in re.findall(r'<g class="node([^"]*)" data-state="([^"]+)">', content)}
    assert set(nodes) == set(State.values)
    assert nodes["assessment"].split() == ["current"]
    assert [state for state, classes in nodes.items() if "current" in classes.split()] == ["assessment"]


def test_it_returns_404_for_another_offices_engagement(client, outsider, engagement):
    response, content = _page(client, outsider, engagement)

    assert response.status_code == 404
    assert engagement.title not in content


def test_it_returns_404_for_an_engagement_that_does_not_exist(client, pm):
    client.force_login(pm)

    assert client.get(reverse("engagement_detail", args=[987654])).status_code == 404


def test_it_shows_hq_any_offices_engagement(client, hq, screened):
    response, content = _page(client, hq, screened)

    assert response.status_code == 200
    assert screened.title in content


def test_it_shows_the_auditor_the_engagement_without_any_step_button(client, auditor, screened):
    response, content = _page(client, auditor, screened)

    assert response.status_code == 200
    assert response.context["offered"] == []
    assert step_urls(content) == set()
    assert "/steps/" not in content
    assert "No step is open to you at this stage." in content


def test_it_shows_the_outsider_an_engagement_shared_with_them_but_no_step_button(client, outsider, screened):
    from guardian.shortcuts import assign_perm

    assign_perm("hrddp.view_engagement", outsider, screened)

    response, content = _page(client, outsider, screened)

    assert response.status_code == 200
    assert step_urls(content) == set()


@pytest.mark.parametrize("state", [State.DRAFT, State.ACTIVE])
@pytest.mark.parametrize("size", [1, 30])
def test_it_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, pm, hq, office_a, size, state):
    engagement = EngagementFactory(office=office_a, state=state)
    SupportActivityFactory.create_batch(size, engagement=engagement)
    for i in range(size):
        AuditEntry.objects.create(
            engagement=engagement, actor=pm, action="open", to_state=State.DRAFT, justification=f"Note {i}"
        )

    for user in (pm, hq):
        client.force_login(user)
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(_url(engagement))
        assert response.status_code == 200
        assert len(response.context["history"]) == size


def test_it_tells_the_chief_of_mission_what_the_engagement_waits_for(client, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    client.force_login(com)

    response = client.get(reverse("engagement_detail", args=[engagement.pk]))

    html = response.content.decode()
    assert "Waiting for others" in html
    assert "Submit the plan for approval" in html
    assert "(project manager)" in html
