"""A decision letter (suspension, resumption, cessation) is issued on its page together with its step, in one
action: neither without the other (interventions.intercession.letter_issue_with_step)."""

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry, State
from interventions.models import Letter, LetterKind
from tests.builders import SUSPENSION_RISKS, approved_support, interceded_and_continuing, open_case, reload
from tests.factories import EngagementFactory


@pytest.fixture
def letter(office_a, com):
    # Every condition of suspending is met but its letter, which is drafted
    engagement = approved_support(EngagementFactory(office=office_a, state=State.INTERCESSION))
    interceded_and_continuing(open_case(engagement, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS))
    return Letter.objects.create(
        engagement=engagement, kind=LetterKind.SUSPENSION, reference=f"{engagement.reference}/L/099",
        addressee="Idris Valemo\nCommander of Esse Province", subject="Suspension of support",
        body="The killings continued after our intercession.", signatory=com, created_by=com,
    )


def _issue(client, letter, **changes):
    engagement = reload(letter.engagement)
    data = {"justification": "Violations continue despite the intercession.", "revision": engagement.revision} | changes
    return client.post(reverse("letter_issue", args=[engagement.pk, letter.pk]), data)


def _nothing_written(letter, before):
    letter.refresh_from_db()
    assert not letter.is_issued and not letter.pdf
    assert reload(letter.engagement).state == State.INTERCESSION
    assert AuditEntry.objects.count() == before


def test_the_page_offers_to_issue_the_letter_and_suspend_in_one_action(client, letter, com):
    client.force_login(com)

    page = client.get(reverse("letter_detail", args=[letter.engagement_id, letter.pk])).content.decode()

    assert "Sign, issue the letter and suspend support" in page and "Not possible yet" not in page


def test_issuing_it_suspends_support_and_audits_both_in_one_transaction(client, letter, com):
    client.force_login(com)

    response = _issue(client, letter)

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.is_issued and letter.sha256
    assert reload(letter.engagement).state == State.SUSPENDED
    actions = list(AuditEntry.objects.filter(engagement=letter.engagement).order_by("-pk").values_list("action", flat=True)[:2])
    assert actions == ["suspend", "issue_letter"]


def test_a_stale_revision_gets_409_and_writes_nothing(client, letter, com):
    client.force_login(com)
    before = AuditEntry.objects.count()

    response = _issue(client, letter, revision=reload(letter.engagement).revision - 1)

    assert response.status_code == 409 and "changed meanwhile" in response.content.decode()
    _nothing_written(letter, before)


def test_a_blank_justification_is_refused_and_writes_nothing(client, letter, com):
    client.force_login(com)
    before = AuditEntry.objects.count()

    response = _issue(client, letter, justification="  ")

    assert response.status_code == 400 and "Give a justification" in response.content.decode()
    _nothing_written(letter, before)


def test_an_outsider_gets_404(client, letter, outsider, com_b):
    before = AuditEntry.objects.count()
    for user in (outsider, com_b):
        client.force_login(user)
        assert _issue(client, letter).status_code == 404
    _nothing_written(letter, before)


@pytest.mark.parametrize("who", ["pm", "auditor", "hq"])
def test_a_role_that_does_not_decide_gets_403(client, letter, request, who):
    client.force_login(request.getfixturevalue(who))
    before = AuditEntry.objects.count()

    assert _issue(client, letter).status_code == 403
    _nothing_written(letter, before)


def test_a_correction_of_an_issued_decision_letter_is_issued_on_its_own(client, letter, com):
    # Given support suspended with its letter, and a correction of that letter drafted
    client.force_login(com)
    assert _issue(client, letter).status_code == 302
    correction = Letter.objects.create(
        engagement=letter.engagement, kind=LetterKind.SUSPENSION, reference=f"{letter.reference}-C",
        addressee=letter.addressee, subject=letter.subject, body="Corrected date.", signatory=com, corrects=letter,
    )

    # When it is issued, no step is taken
    page = client.get(reverse("letter_detail", args=[letter.engagement_id, correction.pk])).content.decode()
    assert "Sign and issue letter" in page
    response = client.post(reverse("letter_issue", args=[letter.engagement_id, correction.pk]))

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.is_issued and reload(letter.engagement).state == State.SUSPENDED
