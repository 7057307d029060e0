"""The intervention case page (Action 7, T/Box 7): Result A and Result B end to end through the views,
and the refusals a Chief of Mission meets on the way."""

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry, State
from interventions.models import InterventionCase
from tests.builders import SUSPENSION_RISKS, WHY_SKIP_SUSPENSION, engagement_ready_for, reload

REPORT = "Two traders killed at the Kael checkpoint by officers of the unit; corroborated by the UN monitors."


def _step(client, engagement, name, justification="Decided at the weekly meeting."):
    engagement = reload(engagement)
    return client.post(
        reverse("engagement_transition", args=[engagement.pk, name]),
        {"justification": justification, "revision": engagement.revision},
    )


def _page(client, engagement):
    return client.get(reverse("case_current", args=[engagement.pk]))


def _course(client, case, **fields):
    data = {"measure_type": "accountability", "course_notes": "", "corrective_measures": ""} | fields
    return client.post(reverse("case_course", args=[case.engagement_id, case.pk]), data)


def test_result_a_runs_from_a_grave_incident_to_active_support_through_the_pages(client, office_a, pm, com):
    # Given an active engagement with a grave violation logged
    engagement = engagement_ready_for("open_intercession", office=office_a)

    # When the project manager opens an intercession with the step form
    client.force_login(pm)
    assert _step(client, engagement, "open_intercession", REPORT).status_code == 302
    case = InterventionCase.objects.get(engagement=engagement)
    page = _page(client, engagement)
    assert page.status_code == 200 and REPORT in page.content.decode()

    # And the Chief of Mission sets the course of action, records it and resolves
    client.force_login(com)
    assert _course(client, case, communicate_with_focal_point="on", course_notes="Meet Commander Selsami").status_code == 302
    assert _step(client, engagement, "record_course_of_action").status_code == 302
    page = _page(client, engagement).content.decode()
    assert "Course of action recorded" in page
    assert _step(client, engagement, "resolve", "The unit suspended the officers and opened an inquiry.").status_code == 302

    # Then support is active again and the case is closed with Result A
    engagement, case = reload(engagement), InterventionCase.objects.get(pk=case.pk)
    assert engagement.state == State.ACTIVE
    assert case.result == "A" and case.closed_at is not None
    assert case.result_evidence == "The unit suspended the officers and opened an inquiry."
    assert AuditEntry.objects.filter(engagement=engagement, action="set_course", actor=com).exists()
    page = _page(client, engagement).content.decode()
    assert "Result A: violations addressed, support continues" in page


def test_result_b_suspends_after_the_evaluation_and_resumes_when_violations_are_addressed(client, office_a, pm, com):
    # Given an intercession whose course of action is recorded
    engagement = engagement_ready_for("resolve", office=office_a)
    case = InterventionCase.objects.get(engagement=engagement)
    client.force_login(com)

    # When the Chief of Mission saves the evaluation of the risks of suspending and suspends
    response = client.post(
        reverse("case_suspension", args=[engagement.pk, case.pk]), {"evaluation": SUSPENSION_RISKS}
    )
    assert response.status_code == 302
    assert _step(client, engagement, "suspend").status_code == 302

    # Then support is suspended with Result B, and the page offers the suspension letter to the PM
    assert reload(engagement).state == State.SUSPENDED
    assert InterventionCase.objects.get(pk=case.pk).result == "B"
    client.force_login(pm)
    page = _page(client, engagement).content.decode()
    assert "?kind=suspension" in page and "?kind=intercession" not in page  # course recorded in the builder

    # When the Chief of Mission resumes support
    client.force_login(com)
    assert _step(client, engagement, "resume", "The officers were prosecuted.").status_code == 302

    # Then support is active again and the case is closed
    assert reload(engagement).state == State.ACTIVE
    assert InterventionCase.objects.get(pk=case.pk).closed_at is not None
    client.force_login(pm)
    assert "?kind=resumption" in _page(client, engagement).content.decode()


def test_result_b_ceases_support_after_a_suspension(client, office_a, pm, com):
    # Given a suspended engagement
    engagement = engagement_ready_for("cease", State.SUSPENDED, office=office_a)

    # When the Chief of Mission ceases support
    client.force_login(com)
    assert _step(client, engagement, "cease", "Killings continued after the suspension.").status_code == 302

    # Then support has ceased, the case is closed, and the PM is offered the cessation letter
    assert reload(engagement).state == State.CEASED
    assert InterventionCase.objects.get(engagement=engagement).closed_at is not None
    client.force_login(pm)
    assert "?kind=cessation" in _page(client, engagement).content.decode()


def test_suspending_before_a_course_of_action_is_refused_with_its_reason(client, office_a, com):
    # Given an intercession without a recorded course of action, the risks evaluated
    engagement = engagement_ready_for("record_course_of_action", office=office_a)
    case = InterventionCase.objects.get(engagement=engagement)
    client.force_login(com)
    client.post(reverse("case_suspension", args=[engagement.pk, case.pk]), {"evaluation": SUSPENSION_RISKS})

    # When the Chief of Mission looks at the page and tries to suspend
    page = _page(client, engagement).content.decode()
    response = _step(client, engagement, "suspend")

    # Then the page and the step say suspension is a last resort
    reason = "A course of action must be recorded and tried first: suspension is a last resort."
    assert reason in page
    assert response.status_code == 400 and reason in response.content.decode()
    assert reload(engagement).state == State.INTERCESSION


def test_ceasing_from_intercession_needs_the_reason_suspension_is_skipped(client, office_a, com):
    # Given an intercession with a recorded course of action and no reason to skip suspension
    engagement = engagement_ready_for("resolve", office=office_a)
    case = InterventionCase.objects.get(engagement=engagement)
    client.force_login(com)

    # When the Chief of Mission tries to cease, it is refused
    response = _step(client, engagement, "cease")
    assert response.status_code == 400
    assert "record why suspension is skipped" in response.content.decode()
    assert reload(engagement).state == State.INTERCESSION

    # And an empty reason is refused on the page, keeping nothing
    response = client.post(reverse("case_skip", args=[engagement.pk, case.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(engagement=engagement, action="set_skip_reason").exists()

    # When the reason is saved, ceasing is allowed
    response = client.post(reverse("case_skip", args=[engagement.pk, case.pk]), {"reason": WHY_SKIP_SUSPENSION})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(engagement=engagement, action="set_skip_reason", actor=com).exists()
    assert _step(client, engagement, "cease").status_code == 302
    assert reload(engagement).state == State.CEASED


def test_a_course_of_action_without_any_choice_re_renders_with_the_notes_kept(client, office_a, com):
    # Given an open intercession
    engagement = engagement_ready_for("record_course_of_action", office=office_a)
    case = InterventionCase.objects.get(engagement=engagement)
    InterventionCase.objects.filter(pk=case.pk).update(communicate_with_focal_point=False)

    # When the Chief of Mission saves notes but no course
    client.force_login(com)
    response = _course(client, case, course_notes="To be discussed with HQ")

    # Then the form comes back with the error and the notes
    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose at least one course of action." in content and "To be discussed with HQ" in content
    assert not AuditEntry.objects.filter(engagement=engagement, action="set_course").exists()
