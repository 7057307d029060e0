"""The printable history of an engagement, and who may read it."""

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry, State
from hrddp.services import engagement_transition
from tests.factories import SupportActivityFactory


@pytest.fixture
def screened(pm, engagement):
    SupportActivityFactory(engagement=engagement)
    AuditEntry.objects.create(
        engagement=engagement, actor=pm, action="open", to_state=State.DRAFT, justification="Request received."
    )
    engagement_transition(
        engagement_id=engagement.pk, name="start_screening", by=pm, justification="Screening the request."
    )
    engagement.refresh_from_db()
    return engagement


def _history(client, user, engagement):
    client.force_login(user)
    response = client.get(reverse("engagement_history", args=[engagement.pk]))
    return response, response.content.decode()


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, engagement):
    response = client.get(reverse("engagement_history", args=[engagement.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_owner_every_entry_oldest_first(client, pm, screened):
    response, content = _history(client, pm, screened)

    assert response.status_code == 200
    assert [entry.action for entry in response.context["history"]] == ["open", "start_screening"]
    assert content.index("Request received.") < content.index("Screening the request.")
    assert '<td data-label="Step">Start screening</td>' in content
    assert '<td data-label="From">Draft</td>' in content
    assert '<td data-label="To">Screening</td>' in content
    assert str(pm) in content


def test_it_returns_404_for_another_offices_engagement(client, outsider, screened):
    response, content = _history(client, outsider, screened)

    assert response.status_code == 404
    assert "Screening the request." not in content


def test_it_shows_hq_the_history(client, hq, screened):
    response, content = _history(client, hq, screened)

    assert response.status_code == 200
    assert "Screening the request." in content


def test_it_shows_the_auditor_the_history(client, auditor, screened):
    response, content = _history(client, auditor, screened)

    assert response.status_code == 200
    assert "Screening the request." in content
    assert "/steps/" not in content
