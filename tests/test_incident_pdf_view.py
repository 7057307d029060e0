"""The PDF of one incident record: rendered on request (common.pdf, fetching only the app's static files),
redacted as its reader must see it, scoped like every incident page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import EngagementFactory
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    CONFIDENTIAL_VALUES,
    REDACTED,
    active,
    command,
    commander,
    force,
    grant,
    grave,
    log,
    unit,
)


def _url(incident, engagement=None):
    return reverse("incident_pdf", args=[(engagement or incident.engagement).pk, incident.pk])


def _get(client, user, incident, engagement=None):
    client.force_login(user)
    return client.get(_url(incident, engagement))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_it_serves_the_record_as_a_pdf_attachment(client, pm, active, unit, commander):
    # given a grave incident against the unit, naming its commander
    incident = log(active, pm, recipient=unit, persons=[commander], **grave())

    # when the project manager downloads its record
    response = _get(client, pm, incident)

    # then it is a PDF with the allegation, the commander on that date and the grade
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{active.reference}-incident-{incident.pk}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "Incident record" in text
    assert "Traders beaten at the checkpoint" in text
    assert "Colonel Tomas Reyl — Unit commander" in text
    assert "B2" in text
    assert "War crimes" in text


@pytest.mark.parametrize("who", ["pm", "hq", "auditor"])
def test_without_the_grant_the_confidential_details_are_redacted(request, client, pm, active, who):
    incident = log(active, pm)

    text = pdf_text(_get(client, request.getfixturevalue(who), incident).content)

    for value in CONFIDENTIAL_VALUES:
        assert value not in text
    assert REDACTED in text


def test_with_the_grant_the_confidential_details_are_printed(client, pm, active):
    incident = log(active, pm)
    grant(pm, active)

    text = pdf_text(_get(client, pm, incident).content)

    for value in CONFIDENTIAL_VALUES:
        assert value in text
    assert REDACTED not in text


def test_it_returns_404_for_another_offices_engagement(client, outsider, pm, active):
    incident = log(active, pm)

    response = _get(client, outsider, incident)

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")


def test_it_returns_404_for_an_incident_of_another_engagement_under_this_url(client, pm, office_a, active):
    incident = log(active, pm)

    response = _get(client, pm, incident, engagement=EngagementFactory(office=office_a))

    assert response.status_code == 404
