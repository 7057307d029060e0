"""The engagement page says that an intercession is warranted when, on active support, an incident is
classified as a grave violation with substantial grounds (P¶26), and shows why the assessment is flagged."""

import pytest
from django.urls import reverse

from hrddp.models import State
from tests.builders import grave_incident
from tests.factories import EngagementFactory
from tests.test_incident_helpers import active, force, grave, log  # noqa: F401 - fixtures

NOTICE = "An intercession is warranted"


def _page(client, user, engagement):
    client.force_login(user)
    response = client.get(reverse("engagement_detail", args=[engagement.pk]))
    return response, response.content.decode()


def test_it_says_an_intercession_is_warranted_and_why_the_assessment_is_flagged(
    client, pm, active, django_capture_on_commit_callbacks
):
    # given a grave violation with substantial grounds logged on active support
    with django_capture_on_commit_callbacks(execute=True):
        log(active, pm, **grave())
    active.refresh_from_db()

    # when anyone of the office opens the engagement
    response, content = _page(client, pm, active)

    # then the page says an intercession is warranted, links to the incidents, and shows the flag's reason
    assert response.status_code == 200
    assert NOTICE in content
    assert reverse("incident_list", args=[active.pk]) + "?grave=substantial" in content
    assert "Reassessment flagged" in content
    assert active.reassessment_flag_reason in content


@pytest.mark.parametrize("classification", [{"grave": False}, {"substantial": False}])
def test_it_says_nothing_for_an_incident_short_of_substantial_grounds_of_a_grave_violation(
    client, pm, active, classification
):
    grave_incident(active, **classification)

    _, content = _page(client, pm, active)

    assert NOTICE not in content


@pytest.mark.parametrize("state", [State.ASSESSMENT, State.INTERCESSION, State.CLOSED])
def test_it_says_nothing_when_support_is_not_active(client, pm, office_a, force, state):
    engagement = EngagementFactory(office=office_a, recipient=force, state=state)
    grave_incident(engagement)

    _, content = _page(client, pm, engagement)

    assert NOTICE not in content


def test_a_grave_incident_of_another_engagement_does_not_count(client, pm, office_a, active):
    grave_incident(EngagementFactory(office=office_a, state=State.ACTIVE))

    _, content = _page(client, pm, active)

    assert NOTICE not in content


def test_the_engagement_tabs_link_to_the_incidents(client, hq, active):
    _, content = _page(client, hq, active)

    assert f'<a href="{reverse("incident_list", args=[active.pk])}">6 Monitoring</a>' in content


def test_it_returns_404_for_another_offices_engagement(client, outsider, active):
    grave_incident(active)

    response, content = _page(client, outsider, active)

    assert response.status_code == 404
    assert NOTICE not in content
