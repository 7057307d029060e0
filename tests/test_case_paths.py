"""The intervention case page (Action 7, T/Box 7): Result A and Result B end to end through the views,
and the refusals a Chief of Mission meets on the way."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditEntry, State
from interventions.models import InterventionCase, Letter, LetterKind
from tests.builders import (
    SUSPENSION_RISKS,
    WHY_SKIP_SUSPENSION,
    continuing_violation,
    engagement_ready_for,
    reload,
)

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


def _record_intercession(client, case, on=None):
    on = on or timezone.localdate() - timedelta(days=2)
    return client.post(reverse("case_communication", args=[case.engagement_id, case.pk]), {
        "communicated_on": on.isoformat(), "counterpart": "Col. Anna Reyes, focal point of the Ministry",
        "channel": "Meeting at the Ministry of the Interior", "summary": "The killings at the Kael checkpoint.",
    })


def _draft(client, engagement, kind, com):
    response = client.post(reverse("letter_new", args=[engagement.pk]), {
        "kind": kind, "language": "en", "addressee": "Idris Valemo\nCommander of Esse Province",
        "signatory": com.pk, "subject": f"{LetterKind(kind).label}", "body": "The killings continued after our letter.",
    })
    assert response.status_code == 302, response.content.decode()
    return Letter.objects.filter(engagement=engagement, kind=kind).latest("pk")


def _issue_with_step(client, letter, justification="Decided at the weekly meeting."):
    engagement = reload(letter.engagement)
    return client.post(
        reverse("letter_issue", args=[engagement.pk, letter.pk]),
        {"justification": justification, "revision": engagement.revision},
    )


def test_result_b_suspends_in_the_policys_order_and_resumes_when_violations_are_addressed(client, office_a, pm, com):
    # Given an intercession whose course of action is recorded, the risks of suspending evaluated
    engagement = engagement_ready_for("resolve", office=office_a)
    case = InterventionCase.objects.get(engagement=engagement)
    client.force_login(com)
    response = client.post(reverse("case_suspension", args=[engagement.pk, case.pk]), {"evaluation": SUSPENSION_RISKS})
    assert response.status_code == 302

    # When the Chief of Mission tries to suspend before the intercession is made, it is refused with the reason
    response = _step(client, engagement, "suspend")
    assert response.status_code == 400 and "has not been brought to the authorities yet" in response.content.decode()

    # When the project manager records the intercession through the agreed channel
    client.force_login(pm)
    assert _record_intercession(client, case).status_code == 302
    # Then suspending is still refused: no violation has been determined since
    client.force_login(com)
    response = _step(client, engagement, "suspend")
    assert response.status_code == 400 and "No grave violation dated after the intercession" in response.content.decode()

    # When a grave violation after the intercession is determined, the step alone still wants its letter
    continuing_violation(engagement)
    page = _page(client, engagement).content.decode()
    assert "P¶27: support must now be suspended or withdrawn." in page
    response = _step(client, engagement, "suspend")
    assert response.status_code == 400 and "is taken with its letter" in response.content.decode()

    # When the PM drafts the suspension letter and the Chief of Mission issues it with the step
    client.force_login(pm)
    letter = _draft(client, engagement, LetterKind.SUSPENSION, com)
    client.force_login(com)
    detail = client.get(reverse("letter_detail", args=[engagement.pk, letter.pk])).content.decode()
    assert "Sign, issue the letter and suspend support" in detail
    assert _issue_with_step(client, letter).status_code == 302

    # Then the letter is issued and support suspended with Result B, in one record
    letter.refresh_from_db()
    assert letter.is_issued and reload(engagement).state == State.SUSPENDED
    assert InterventionCase.objects.get(pk=case.pk).result == "B"
    issue = AuditEntry.objects.get(engagement=engagement, action="issue_letter", details__letter=letter.pk)
    suspend = AuditEntry.objects.get(engagement=engagement, action="suspend")
    assert (issue.actor, suspend.actor) == (com, com)
    page = _page(client, engagement).content.decode()
    assert letter.reference in page  # the checklist's decision item names its letter

    # When the Chief of Mission resumes support with the resumption letter
    client.force_login(pm)
    letter = _draft(client, engagement, LetterKind.RESUMPTION, com)
    client.force_login(com)
    assert _issue_with_step(client, letter, "The officers were prosecuted.").status_code == 302

    # Then support is active again and the case is closed
    assert reload(engagement).state == State.ACTIVE
    assert InterventionCase.objects.get(pk=case.pk).closed_at is not None


def test_a_decision_letter_is_not_issued_when_another_condition_of_its_step_fails(client, office_a, pm, com):
    # Given an intercession made, no violation determined since, and a drafted suspension letter
    engagement = engagement_ready_for("resolve", office=office_a)
    case = InterventionCase.objects.get(engagement=engagement)
    client.force_login(com)
    client.post(reverse("case_suspension", args=[engagement.pk, case.pk]), {"evaluation": SUSPENSION_RISKS})
    assert _record_intercession(client, case).status_code == 302
    client.force_login(pm)
    letter = _draft(client, engagement, LetterKind.SUSPENSION, com)
    client.force_login(com)

    # When the Chief of Mission issues it with the step
    response = _issue_with_step(client, letter)

    # Then neither happens, and the page says why
    assert response.status_code == 400
    assert "No grave violation dated after the intercession" in response.content.decode()
    letter.refresh_from_db()
    assert not letter.is_issued and not letter.pdf
    assert reload(engagement).state == State.INTERCESSION
    assert not AuditEntry.objects.filter(engagement=engagement, action__in=["issue_letter", "suspend"]).exists()


def test_a_decision_letter_cannot_be_issued_on_its_own_while_its_decision_is_open(office_a, com):
    from interventions.letters import LetterRefused, letter_issue

    # Given a suspension letter drafted during an intercession
    engagement = engagement_ready_for("suspend", office=office_a)
    letter = Letter.objects.create(
        engagement=engagement, kind=LetterKind.SUSPENSION, reference="AAA/L/099", addressee="The Minister", subject="Suspension",
        signatory=com, body="The killings continued.",
    )

    # When it is issued without the step, it is refused
    with pytest.raises(LetterRefused, match="issued together with its decision"):
        letter_issue(letter=letter, by=com)
    letter.refresh_from_db()
    assert not letter.is_issued


def test_result_b_ceases_support_after_a_suspension(client, office_a, pm, com):
    # Given a suspended engagement and a drafted cessation letter
    engagement = engagement_ready_for("resume", office=office_a)
    client.force_login(pm)
    assert "?kind=cessation" in _page(client, engagement).content.decode()
    letter = _draft(client, engagement, LetterKind.CESSATION, com)

    # When the Chief of Mission issues it with the step
    client.force_login(com)
    assert _issue_with_step(client, letter, "Killings continued after the suspension.").status_code == 302

    # Then support has ceased and the case is closed
    assert reload(engagement).state == State.CEASED
    assert InterventionCase.objects.get(engagement=engagement).closed_at is not None


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


def test_ceasing_from_intercession_needs_the_reason_suspension_is_skipped(client, office_a, pm, com):
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

    # And once the intercession is made and violations continue, the cessation letter ceases support
    assert _record_intercession(client, case).status_code == 302
    continuing_violation(engagement)
    client.force_login(pm)
    letter = _draft(client, engagement, LetterKind.CESSATION, com)
    client.force_login(com)
    assert _issue_with_step(client, letter, "Killings continued; suspension adds nothing.").status_code == 302
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
