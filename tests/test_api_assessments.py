"""Writing the draft of a risk assessment through the API: the assessment page's service
(assessments.risk.assessment_save_draft), with its permission, stage and checks, and its audit entry naming the
token. The outsider gets 404, the Chief of Mission,
HQ and the auditor 403, a version that is no longer a draft being written the page's reason, a stale revision 409,
and bad input field errors all at once, writing nothing."""

import pytest

from assessments.models import AssessmentStatus, RiskAssessment, RiskElement
from hrddp.models import AuditEntry, Engagement, State
from tests.api_client import api_as
from tests.builders import start_assessment
from tests.factories import EngagementFactory

SOURCE = {"citation": "OHCHR, annual report on Darvonia (2025)", "is_un_source": True, "reliability": "A",
          "element": RiskElement.COUNTRY_SITUATION}
FACTOR = {"description": "Reports of extrajudicial killings by the border unit", "element": RiskElement.COMPLIANCE_RECORD}


def _contents(assessment):
    assessment = RiskAssessment.objects.get(pk=assessment.pk)
    return (
        assessment.final_rating, assessment.final_justification,
        sorted(assessment.elements.values_list("element", "narrative", "rating")),
        sorted(assessment.sources.values_list("citation", flat=True)),
        sorted(assessment.risk_factors.values_list("description", flat=True)),
    )


@pytest.fixture
def draft(office_a):
    return start_assessment(EngagementFactory(office=office_a, state=State.ASSESSMENT))


def _body(**changes):
    return {
        "elements": [{"element": RiskElement.COUNTRY_SITUATION, "narrative": "Curfews in Esse.", "rating": "high"}],
        "final_rating": "medium", "final_justification": "Manageable with mitigation.",
        "sources": [SOURCE], "risk_factors": [FACTOR], **changes,
    }


def test_the_owner_writes_the_draft_as_the_page_does_with_an_audit_entry_naming_the_token(pm, draft):
    client = api_as(pm)
    entries_before = AuditEntry.objects.count()  # making the token is one

    response = client.patch(f"/api/v1/risk-assessments/{draft.pk}/", _body(), format="json")

    assert response.status_code == 200, response.json()
    assert _contents(draft) == (
        "medium", "Manageable with mitigation.", [(RiskElement.COUNTRY_SITUATION, "Curfews in Esse.", "high")],
        [SOURCE["citation"]], [FACTOR["description"]],
    )
    assert response.json()["final_rating"] == "medium" and len(response.json()["risk_factors"]) == 1
    assert RiskAssessment.objects.get(pk=draft.pk).status == AssessmentStatus.DRAFT
    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == entries_before + 1
    assert (entry.action, entry.actor, entry.details["via"]) == ("save_risk_assessment", pm, "api")
    assert entry.details.get("api_token_name")


def test_what_is_left_out_stays_and_rows_named_by_id_change_or_go(pm, draft):
    client = api_as(pm)
    written = client.patch(f"/api/v1/risk-assessments/{draft.pk}/", _body(), format="json").json()
    factor, source = written["risk_factors"][0], written["sources"][0]

    response = client.patch(
        f"/api/v1/risk-assessments/{draft.pk}/",
        {"risk_factors": [{"id": factor["id"], "description": "Detentions without charge"}],
         "sources": [{"id": source["id"], "delete": True}]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    rating, justification, elements, sources, factors = _contents(draft)
    assert (rating, justification, len(elements)) == ("medium", "Manageable with mitigation.", 1)
    assert (sources, factors) == ([], ["Detentions without charge"])


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(pm, draft):
    body = _body(
        final_rating="catastrophic", elements=[{"element": "weather", "rating": "high"}],
        sources=[{**SOURCE, "reliability": "Z"}], revision=-1,
    )

    response = api_as(pm).patch(f"/api/v1/risk-assessments/{draft.pk}/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"final_rating", "elements", "sources", "revision"}
    assert _contents(draft) == ("", "", [], [], [])


def test_a_row_the_service_refuses_is_a_field_error_under_the_apis_name(pm, draft):
    response = api_as(pm).patch(
        f"/api/v1/risk-assessments/{draft.pk}/", {"risk_factors": [{"element": RiskElement.COMPLIANCE_RECORD}]},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"risk_factors"}
    assert _contents(draft) == ("", "", [], [], [])


def test_a_submitted_version_is_refused_with_the_pages_reason(pm, draft):
    RiskAssessment.objects.filter(pk=draft.pk).update(status=AssessmentStatus.SUBMITTED)

    response = api_as(pm).patch(f"/api/v1/risk-assessments/{draft.pk}/", _body(), format="json")

    assert response.status_code == 400
    assert "can no longer be changed" in response.json()["error"]["reasons"][0]
    assert _contents(draft) == ("", "", [], [], [])


def test_a_draft_is_refused_once_the_engagement_left_the_assessment_stage(pm, draft):
    Engagement.objects.filter(pk=draft.engagement_id).update(state=State.MITIGATION)

    response = api_as(pm).patch(f"/api/v1/risk-assessments/{draft.pk}/", _body(), format="json")

    assert response.status_code == 400
    assert "risk assessment stage" in response.json()["error"]["reasons"][0]


def test_a_stale_revision_is_409_and_writes_nothing(pm, draft):
    revision = Engagement.objects.get(pk=draft.engagement_id).revision

    response = api_as(pm).patch(f"/api/v1/risk-assessments/{draft.pk}/", _body(revision=revision + 1), format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "changed_meanwhile"
    assert _contents(draft) == ("", "", [], [], [])


def test_the_outsider_cannot_write_anothers_assessment(outsider, draft):
    assert api_as(outsider).patch(f"/api/v1/risk-assessments/{draft.pk}/", _body(), format="json").status_code == 404
    assert _contents(draft) == ("", "", [], [], [])


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_who_does_not_prepare_the_engagement_cannot_write_the_draft(request, draft, who):
    response = api_as(request.getfixturevalue(who)).patch(f"/api/v1/risk-assessments/{draft.pk}/", _body(), format="json")

    assert response.status_code == 403
    assert _contents(draft) == ("", "", [], [], [])


def test_an_assessment_is_not_created_replaced_whole_nor_deleted_through_the_api(pm, draft):
    client = api_as(pm)

    assert client.post("/api/v1/risk-assessments/", _body(), format="json").status_code == 405
    assert client.put(f"/api/v1/risk-assessments/{draft.pk}/", _body(), format="json").status_code == 405
    assert client.delete(f"/api/v1/risk-assessments/{draft.pk}/").status_code == 405
