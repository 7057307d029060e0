"""P¶28: the Chief of Mission flags that suspension critically affects the mandate, HQ is told the governing
body must be advised, and the Chief of Mission or HQ records when it was; the case page shows both."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditEntry, Notification
from interventions.critical_reports import case_mandate_flag, governing_body_advised_record
from interventions.models import InterventionCase
from tests.builders import engagement_ready_for

REASON = "The protection of civilians mandate depends on joint patrols with this unit."


@pytest.fixture
def case(office_a):
    return InterventionCase.objects.get(engagement=engagement_ready_for("record_course_of_action", office=office_a))


def _page(client, case):
    return client.get(reverse("case_detail", args=[case.engagement_id, case.pk])).content.decode()


def test_the_chief_of_missions_flag_notifies_hq_that_the_governing_body_must_be_advised(case, com, hq, pm):
    # When the Chief of Mission flags the mandate as critically affected
    case = case_mandate_flag(by=com, case=case, reason=REASON)

    # Then the case holds who flagged it, when and why, HQ alone is told, and it is audited
    assert case.mandate_critically_affected and case.mandate_flagged_by == com and case.mandate_flagged_at
    notes = Notification.objects.filter(dedupe_key__startswith=f"mandate-flag:{case.pk}:")
    assert [n.user for n in notes] == [hq]
    assert "the governing body must be advised (P¶28)" in notes[0].body
    entry = AuditEntry.objects.get(action="update_case_report")
    assert entry.details["mandate_critically_affected"] is True and entry.justification == REASON


def test_flagging_twice_is_refused_and_hq_is_told_once(case, com, hq):
    case_mandate_flag(by=com, case=case, reason=REASON)
    with pytest.raises(ValidationError, match="HQ was told then"):
        case_mandate_flag(by=com, case=case, reason=REASON)
    assert Notification.objects.filter(dedupe_key__startswith="mandate-flag:").count() == 1


@pytest.mark.parametrize("who", ["pm", "hq", "auditor", "outsider"])
def test_only_the_chief_of_mission_flags_the_mandate(case, request, who):
    with pytest.raises(PermissionDenied):
        case_mandate_flag(by=request.getfixturevalue(who), case=case, reason=REASON)
    assert not InterventionCase.objects.get(pk=case.pk).mandate_critically_affected


def test_a_flag_without_reasons_is_refused(case, com):
    with pytest.raises(ValidationError) as refused:
        case_mandate_flag(by=com, case=case, reason="  ")
    assert "reason" in refused.value.message_dict


@pytest.mark.parametrize("who", ["com", "hq"])
def test_the_chief_of_mission_or_hq_records_when_the_governing_body_was_advised(case, com, request, who):
    # Given the flag
    case_mandate_flag(by=com, case=case, reason=REASON)
    by = request.getfixturevalue(who)

    # When it is recorded that the governing body was advised
    today = timezone.localdate()
    case = governing_body_advised_record(by=by, case=case, advised_on=today, how="Note to the Security Council")

    # Then the date is kept and audited
    assert case.governing_body_advised_on == today and case.governing_body_advised_recorded_by == by
    entry = AuditEntry.objects.get(action="record_governing_body_advised")
    assert entry.actor == by and entry.details["advised_on"] == today.isoformat()


@pytest.mark.parametrize("who", ["pm", "auditor", "outsider"])
def test_no_one_else_records_the_governing_body_advised(case, com, request, who):
    case_mandate_flag(by=com, case=case, reason=REASON)
    with pytest.raises(PermissionDenied):
        governing_body_advised_record(
            by=request.getfixturevalue(who), case=case, advised_on=timezone.localdate(), how="Note"
        )


def test_advising_before_the_flag_or_in_the_future_is_refused_with_every_error(case, com):
    # Without a flag there is nothing to advise
    with pytest.raises(ValidationError, match="not flagged"):
        governing_body_advised_record(by=com, case=case, advised_on=timezone.localdate(), how="Note")
    # With it, a future date and no manner are both refused
    case_mandate_flag(by=com, case=case, reason=REASON)
    with pytest.raises(ValidationError) as refused:
        governing_body_advised_record(
            by=com, case=case, advised_on=timezone.localdate() + datetime.timedelta(days=2), how=""
        )
    assert set(refused.value.message_dict) == {"advised_on", "how"}
    assert not AuditEntry.objects.filter(action="record_governing_body_advised").exists()


def test_the_case_page_shows_the_flag_and_not_yet_then_the_date_advised(client, case, com, hq, pm):
    client.force_login(com)
    # When the Chief of Mission flags it on the page
    response = client.post(reverse("case_mandate", args=[case.engagement_id, case.pk]), {"reason": REASON})
    assert response.status_code == 302

    # Then everyone reading the case sees who flagged it and that the governing body is not yet advised
    client.force_login(pm)
    page = _page(client, case)
    assert REASON in page and str(com) in page and "not yet" in page

    # When HQ records the date on the page, the case shows it
    client.force_login(hq)
    response = client.post(
        reverse("case_governing_body", args=[case.engagement_id, case.pk]),
        {"advised_on": timezone.localdate().isoformat(), "how": "Briefing to the governing body"},
    )
    assert response.status_code == 302
    page = _page(client, case)
    assert "Briefing to the governing body" in page and "not yet" not in page


def test_the_pages_forms_refuse_the_wrong_roles_and_404_outsiders(client, case, com, pm, auditor, outsider, com_b):
    mandate = reverse("case_mandate", args=[case.engagement_id, case.pk])
    advised = reverse("case_governing_body", args=[case.engagement_id, case.pk])
    data = {"advised_on": timezone.localdate().isoformat(), "how": "Note"}
    for user in (pm, auditor):
        client.force_login(user)
        assert client.post(mandate, {"reason": REASON}).status_code == 403
        assert client.post(advised, data).status_code == 403
    for user in (outsider, com_b):
        client.force_login(user)
        assert client.post(mandate, {"reason": REASON}).status_code == 404
        assert client.post(advised, data).status_code == 404
    assert not InterventionCase.objects.get(pk=case.pk).mandate_critically_affected


def test_a_missing_date_shows_every_error_on_the_page(client, case, com):
    case_mandate_flag(by=com, case=case, reason=REASON)
    client.force_login(com)
    response = client.post(reverse("case_governing_body", args=[case.engagement_id, case.pk]), {"advised_on": "x"})
    assert response.status_code == 400
    assert response.content.decode().count('class="field-error"') >= 2


def test_ticking_the_mandate_in_the_suspension_evaluation_is_the_same_flag_and_tells_hq_once(case, com, hq):
    from interventions.cases import case_set_suspension_evaluation

    # When the Chief of Mission evaluates the risks of suspending and ticks that the mandate is critically affected
    case = case_set_suspension_evaluation(case=case, by=com, evaluation=REASON, mandate_critically_affected=True)
    # And saves the evaluation again
    case = case_set_suspension_evaluation(case=case, by=com, evaluation=REASON, mandate_critically_affected=True)

    # Then the case is flagged with who and why, and HQ heard of it once
    case = InterventionCase.objects.get(pk=case.pk)
    assert case.mandate_critically_affected and case.mandate_flagged_by == com and case.mandate_flag_reason == REASON
    assert Notification.objects.filter(dedupe_key__startswith=f"mandate-flag:{case.pk}:").count() == 1
    # And the flag form is not offered again
    with pytest.raises(ValidationError, match="HQ was told then"):
        case_mandate_flag(by=com, case=case, reason=REASON)
