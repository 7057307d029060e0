"""The whole path through the pages, as a project manager and a Chief of Mission
use them: from a new request to active support (a low-risk case and a high-risk
case brought down by mitigation), and to a decline with its P¶16 letter."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import RiskElement
from hrddp.models import ActivityType, Engagement, State
from interventions.models import Letter, LetterKind
from tests.factories import FocalPointFactory, ProjectFactory, RecipientFactory
from tests.pages import form_data

FACTORS = ["Reports of extrajudicial killings by Unit 7", "Law allowing indefinite apprehension at the Kael crossing"]


class Walk:
    """One engagement walked through its pages by whoever is signed in."""

    def __init__(self, client, engagement_pk):
        self.client = client
        self.pk = engagement_pk

    @property
    def engagement(self):
        return Engagement.objects.get(pk=self.pk)

    def as_(self, user):
        self.client.force_login(user)
        return self

    def fill(self, url_name, changes, action="", expect=302):
        url = reverse(url_name, args=[self.pk])
        page = self.client.get(url)
        assert page.status_code == 200, page.status_code
        data = form_data(page.content.decode(), action, changes=changes)
        response = self.client.post(url, data)
        assert response.status_code == expect, response.content.decode()[:3000]
        return response

    def step(self, name, why="Recorded for the file."):
        response = self.client.post(
            reverse("engagement_transition", args=[self.pk, name]),
            {"justification": why, "revision": self.engagement.revision},
        )
        assert response.status_code == 302, response.content.decode()[:3000]


def _open_request(client, pm, office):
    project = ProjectFactory(office=office)
    recipient = RecipientFactory(country=office.country, name="North-East Border Command")
    focal_point = FocalPointFactory(office=office)
    client.force_login(pm)
    url = reverse("engagement_open")
    data = form_data(client.get(url).content.decode(), changes={
        "title": "Border management at the North-East crossings",
        "project": str(project.pk),
        "recipient": str(recipient.pk),
        "focal_point": str(focal_point.pk),
        "activities-0-description": "Rehabilitation of two crossing posts",
        "activities-0-activity_type": ActivityType.INFRASTRUCTURE,
        "activities-1-description": "Human-rights law sessions",
        "activities-1-activity_type": ActivityType.LAW_TRAINING,
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Engagement.objects.get()


def _to_endorsement(walk, rating, factors):
    walk.step("start_screening")
    walk.fill("screening", {})  # the pre-filled answers are confirmed
    walk.step("conclude_applicable")
    walk.fill("preconditions", {
        f"{key}_{part}": value
        for key in ("national_ownership", "no_death_penalty", "no_weapons", "no_combat_capacity")
        for part, value in (("met", "True"), ("evidence", "Checked with the Ministry of the Interior."))
    })
    walk.step("pass_preconditions")
    walk.fill("coordination", {"mechanism_exists": "False"})
    walk.step("complete_coordination")
    changes = {f"el-{value}-narrative": f"Findings on {label.lower()}." for value, label in RiskElement.choices}
    changes.update({
        "sources-0-citation": "OHCHR country report (2025)", "sources-0-reliability": "A",
        "final-final_rating": rating, "final-final_justification": "Based on the elements above.",
        "final-submit_note": "Complete.", "action": "submit",
    })
    for index, description in enumerate(factors):
        changes[f"factors-{index}-description"] = description
    walk.fill("risk_assessment_edit", changes)
    assert walk.engagement.state == State.ENDORSEMENT


def _plan(walk, residual):
    factors = list(walk.engagement.current_assessment.risk_factors.values_list("pk", flat=True))
    walk.fill("mitigation_plan", {
        "plan-residual_risk": residual, "plan-residual_risk_justification": "Every factor is targeted.",
        "measures-0-title": "Exclude Unit 7 and the Kael crossing from support",
        "measures-0-measure_type": "screening_exclusion", "measures-0-risk_factors": [str(f) for f in factors],
    } if factors else {
        "plan-residual_risk": residual, "plan-residual_risk_justification": "Low risk; monitoring only.",
    })
    walk.step("submit_plan")


def _issue_letter(walk, pm, com, kind, language="en", body=""):
    walk.as_(pm)
    url = reverse("letter_new", args=[walk.pk]) + f"?kind={kind}&language={language}"
    data = form_data(walk.client.get(url).content.decode(), changes={"body": body} if body else None)
    response = walk.client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    letter = Letter.objects.filter(engagement_id=walk.pk, kind=kind).latest("pk")
    walk.as_(com)
    response = walk.client.post(reverse("letter_issue", args=[walk.pk, letter.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    letter.refresh_from_db()
    return letter


def _approve(walk, pm, com):
    walk.as_(pm).fill("approval", {
        "monitoring_responsible": str(pm.pk),
        "reporting_to_com": "Same-day call to the Chief of Mission; written report within 48 hours.",
    })
    _issue_letter(walk, pm, com, LetterKind.NOTIFICATION)
    walk.as_(com).step("approve_support", "Residual risk acceptable; letter delivered; procedure agreed.")


def test_a_low_risk_request_goes_from_new_to_active_through_the_pages(client, pm, com, office_a):
    walk = Walk(client, _open_request(client, pm, office_a).pk)

    _to_endorsement(walk, "low", factors=[])
    walk.as_(com).step("endorse", "Low risk.")
    walk.as_(pm)
    _plan(walk, "low")
    _approve(walk, pm, com)

    engagement = walk.engagement
    assert engagement.state == State.ACTIVE
    assert engagement.support_approved_at is not None
    assert list(engagement.audit_entries.order_by("at", "pk").values_list("action", flat=True)) == [
        "open", "start_screening", "save_screening", "conclude_applicable", "save_preconditions",
        "pass_preconditions", "save_coordination", "complete_coordination", "save_risk_assessment",
        "submit_assessment", "endorse",
        "save_mitigation_plan", "submit_plan", "set_intervention_procedure", "draft_letter", "issue_letter",
        "approve_support",
    ]


def test_a_high_risk_request_mitigated_to_medium_goes_active(client, pm, com, office_a):
    walk = Walk(client, _open_request(client, pm, office_a).pk)

    _to_endorsement(walk, "high", factors=FACTORS)
    walk.as_(com).step("endorse", "High, but the two factors can be mitigated by exclusion.")
    walk.as_(pm)
    _plan(walk, "medium")
    _approve(walk, pm, com)

    engagement = walk.engagement
    assert engagement.state == State.ACTIVE
    measure = engagement.mitigation_plan.measures.get()
    assert sorted(measure.risk_factors.values_list("description", flat=True)) == sorted(FACTORS)


def test_a_high_risk_plan_leaving_a_factor_untargeted_cannot_be_submitted(client, pm, com, office_a):
    walk = Walk(client, _open_request(client, pm, office_a).pk)
    _to_endorsement(walk, "high", factors=FACTORS)
    walk.as_(com).step("endorse", "High risk.")
    first = walk.engagement.current_assessment.risk_factors.order_by("pk").first()

    walk.as_(pm).fill("mitigation_plan", {
        "plan-residual_risk": "medium", "plan-residual_risk_justification": "Partly mitigated.",
        "measures-0-title": "Exclude Unit 7", "measures-0-measure_type": "screening_exclusion",
        "measures-0-risk_factors": [str(first.pk)],
    })
    response = client.post(
        reverse("engagement_transition", args=[walk.pk, "submit_plan"]),
        {"justification": "Ready.", "revision": walk.engagement.revision},
    )

    assert response.status_code == 400
    assert "No measure targets these risk factors" in response.content.decode()
    assert walk.engagement.state == State.MITIGATION


def test_approval_without_the_notification_letter_is_refused(client, pm, com, office_a):
    walk = Walk(client, _open_request(client, pm, office_a).pk)
    _to_endorsement(walk, "low", factors=[])
    walk.as_(com).step("endorse", "Low risk.")
    walk.as_(pm)
    _plan(walk, "low")
    walk.fill("approval", {"monitoring_responsible": str(pm.pk), "reporting_to_com": "Same-day call."})

    response = walk.as_(com).client.post(
        reverse("engagement_transition", args=[walk.pk, "approve_support"]),
        {"justification": "Approve.", "revision": walk.engagement.revision},
    )

    assert response.status_code == 400
    assert "The notification letter on the core principles (P¶19) has not been issued" in response.content.decode()
    assert walk.engagement.state == State.APPROVAL


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_declined_request_gets_the_unless_and_until_letter(client, pm, com, office_a, language):
    walk = Walk(client, _open_request(client, pm, office_a).pk)
    _to_endorsement(walk, "high", factors=FACTORS)

    walk.as_(com).step("decline", "High risk that no mitigation can reduce.")
    assert walk.engagement.state == State.DECLINED
    letter = _issue_letter(
        walk, pm, com, LetterKind.UNLESS_AND_UNTIL, language,
        body="Remove the commander of Unit 7 from command; repeal the indefinite apprehension law.",
    )

    download = client.get(reverse("letter_pdf", args=[walk.pk, letter.pk]))
    content = b"".join(download.streaming_content) if download.streaming else download.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert letter.reference in text
    assert "Idris Valemo" in text  # the recipient authority's focal point
    assert ("unless and until" if language == "en" else "tant que") in text
