"""Absurd input is refused with a message, at once, and writes nothing: formsets claiming a hundred thousand
rows, too many fields in one request, dates beyond any project's life on the dashboard, the lists, the exports
and the period report."""

import pytest
from django.urls import reverse

from assessments.models import AssessmentStatus, CitedSource
from hrddp.models import AuditEntry, Engagement, State
from mitigation.models import MitigationMeasure
from tests.builders import complete_assessment, record_coordination, start_assessment
from tests.factories import EngagementFactory
from tests.test_engagement_open import _request
from tests.test_mitigation_plan_page import _data, _measure

ABSURD = "100000"


@pytest.fixture
def project(office_a):
    from tests.factories import ProjectFactory

    return ProjectFactory(office=office_a, code="DRV-STAB-01")


@pytest.fixture
def planning(office_a):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    record_coordination(engagement, mechanism=False)
    complete_assessment(engagement, status=AssessmentStatus.ENDORSED)
    return engagement


@pytest.fixture
def at_assessment(office_a):
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    start_assessment(engagement)
    return engagement


def test_a_request_claiming_a_hundred_thousand_activities_is_refused_and_creates_nothing(client, pm, project):
    data = _request(project)
    data["activities-TOTAL_FORMS"] = ABSURD
    client.force_login(pm)

    response = client.post(reverse("engagement_open"), data)

    assert response.status_code == 400
    assert "Please submit at most 50 forms." in response.content.decode()
    assert not Engagement.objects.exists() and not AuditEntry.objects.exists()
    # Only as many forms as the cap were ever built.
    assert response.context["activities"].total_form_count() == 50


def test_a_plan_claiming_a_hundred_thousand_measures_is_refused_and_saves_nothing(client, pm, planning):
    data = _data(_measure())
    data["measures-TOTAL_FORMS"] = ABSURD
    client.force_login(pm)

    response = client.post(reverse("mitigation_plan", args=[planning.pk]), data)

    assert response.status_code in (200, 400)
    assert "Please submit at most 200 forms." in response.content.decode()
    assert not MitigationMeasure.objects.exists()


def test_an_assessment_claiming_a_hundred_thousand_sources_is_refused_and_saves_nothing(client, pm, at_assessment):
    client.force_login(pm)
    page = client.get(reverse("risk_assessment_edit", args=[at_assessment.pk]))
    data = {"revision": str(page.context["revision"]), "sources-TOTAL_FORMS": ABSURD, "sources-INITIAL_FORMS": "0",
            "factors-TOTAL_FORMS": "0", "factors-INITIAL_FORMS": "0", "save": "draft"}

    response = client.post(reverse("risk_assessment_edit", args=[at_assessment.pk]), data)

    assert response.status_code in (200, 400)
    assert "Please submit at most 100" in response.content.decode()
    assert not CitedSource.objects.exists()


def test_a_request_with_more_fields_than_allowed_is_a_400(client, pm, project):
    data = _request(project)
    data.update({f"junk-{i}": "x" for i in range(1100)})
    client.force_login(pm)

    response = client.post(reverse("engagement_open"), data)

    assert response.status_code == 400
    assert not Engagement.objects.exists()


PAGES = ["/dashboard/", "/engagements/", "/incidents/", "/measures/", "/letters/", "/reports/portfolio/period/",
         "/exports/engagements.csv", "/exports/incidents.xlsx"]
DATES = [{"start": "0001-01-01"}, {"end": "9999-12-31"}, {"start": "0001-01-01", "end": "9999-12-31"},
         {"start": "9999-12-31"}, {"end": "0001-01-01"}]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("params", DATES, ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_a_date_beyond_1900_to_2199_gets_a_message_not_an_error(client, hq, engagement, url, params):
    client.force_login(hq)

    response = client.get(url, params)

    assert response.status_code == 400, response.status_code
    if response["Content-Type"].startswith("text/html"):
        assert "Enter a date between 1 January 1900 and 31 December 2199." in response.content.decode()
