"""The way out of the commanders' rule (P¶16): only the engagement's Chief of Mission records why support may go on,
on a measure of the engagement's own plan that excludes the flagged person, with a reason, in the audit trail; the
page for it is a 404 to another country's project manager and a 403 to the office's own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry, PersonOfInterest, State
from mitigation.models import MeasureStatus, MeasureType
from register.models import SupportContinuation
from register.rules_services import support_continuation_record
from tests.builders import add_measure, assert_taken, engagement_ready_for
from tests.test_commander_rules import (  # noqa: F401 - fixtures
    MEASURE_TITLE,
    REASON,
    commander_of,
    esse,
    exclusion_measure,
    force,
    kael,
    reyl,
)


@pytest.fixture
def awaiting(office_a, esse, reyl):
    """Support to Esse Province awaiting approval, its plan holding a measure that keeps Colonel Reyl out."""
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    exclusion_measure(engagement, reyl)
    return engagement


def _url(engagement, person=None):
    url = reverse("support_continuation_new", args=[engagement.pk])
    return f"{url}?person={person.pk}" if person is not None else url


def test_the_chief_of_mission_records_why_support_may_go_on_with_its_audit_entry(awaiting, com, reyl):
    measure = awaiting.mitigation_plan.measures.get(title=MEASURE_TITLE)

    continuation = support_continuation_record(
        by=com, engagement=awaiting, person=reyl, measure=measure, reason=f"  {REASON}  ",
    )

    assert (continuation.measure, continuation.reason, continuation.decided_by) == (measure, REASON, com)
    entry = AuditEntry.objects.get(action=AuditAction.RECORD_SUPPORT_CONTINUATION)
    assert (entry.engagement, entry.actor, entry.justification) == (awaiting, com, REASON)
    assert entry.details["person"] == reyl.pk and entry.details["measure"] == measure.pk


def test_recording_again_replaces_the_reasons_and_says_so(awaiting, com, reyl):
    measure = awaiting.mitigation_plan.measures.get(title=MEASURE_TITLE)
    support_continuation_record(by=com, engagement=awaiting, person=reyl, measure=measure, reason=REASON)
    support_continuation_record(by=com, engagement=awaiting, person=reyl, measure=measure, reason="He was moved.")

    assert SupportContinuation.objects.get().reason == "He was moved."
    last = AuditEntry.objects.filter(action=AuditAction.RECORD_SUPPORT_CONTINUATION).order_by("pk").last()
    assert last.details["recorded_again"] is True


def test_a_project_manager_may_not_record_it(awaiting, pm, reyl):
    with pytest.raises(PermissionDenied):
        support_continuation_record(
            by=pm, engagement=awaiting, person=reyl, measure=awaiting.mitigation_plan.measures.get(title=MEASURE_TITLE), reason=REASON,
        )
    assert not SupportContinuation.objects.exists()


def test_each_problem_is_named_at_once_and_nothing_is_written(awaiting, com, reyl):
    # Given a measure of the plan that excludes nobody
    other = add_measure(awaiting, title="Monthly logbooks", measure_type=MeasureType.MONITORING)

    with pytest.raises(ValidationError) as refused:
        support_continuation_record(by=com, engagement=awaiting, person=reyl, measure=other, reason="  ")

    assert refused.value.message_dict == {
        "reason": [
            "Say why support may go on, e.g. the officer's removal from command or how the measure keeps this "
            "person away from the support."
        ],
        "measure": ["The measure “Monthly logbooks” does not exclude Colonel Tomas Reyl from the support."],
    }
    assert not SupportContinuation.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.RECORD_SUPPORT_CONTINUATION).exists()


def test_a_dropped_measure_or_another_engagements_measure_is_refused(office_a, awaiting, com, esse, reyl):
    dropped = exclusion_measure(awaiting, reyl, status=MeasureStatus.DROPPED)
    elsewhere = exclusion_measure(engagement_ready_for("approve_support", office=office_a, recipient=esse), reyl)

    for measure, message in (
        (dropped, f"The measure “{MEASURE_TITLE}” was dropped from the plan."),
        (elsewhere, "The measure belongs to another engagement's plan."),
    ):
        with pytest.raises(ValidationError) as refused:
            support_continuation_record(by=com, engagement=awaiting, person=reyl, measure=measure, reason=REASON)
        assert refused.value.message_dict["measure"] == [message]


def test_a_person_who_is_not_a_flagged_commander_has_nothing_to_record(awaiting, com, esse):
    clean = PersonOfInterest.objects.create(full_name="Lidia Fenn", rank="Major", recipient=esse)
    measure = add_measure(awaiting, title="Keep Major Fenn out", measure_type=MeasureType.SCREENING_EXCLUSION,
                          excludes_person=clean)

    with pytest.raises(ValidationError) as refused:
        support_continuation_record(by=com, engagement=awaiting, person=clean, measure=measure, reason=REASON)

    assert "Major Lidia Fenn is not a current commander of the supported units" in refused.value.message_dict["person"][0]


# --- The page ------------------------------------------------------------------------------------------------


def test_a_project_manager_of_another_country_gets_404(client, awaiting, outsider, reyl):
    client.force_login(outsider)

    assert client.get(_url(awaiting, reyl)).status_code == 404
    assert client.post(_url(awaiting), {"person": reyl.pk, "reason": REASON}).status_code == 404


def test_the_offices_project_manager_gets_403(client, awaiting, pm, reyl):
    client.force_login(pm)

    assert client.get(_url(awaiting, reyl)).status_code == 403
    assert client.post(_url(awaiting), {"person": reyl.pk, "reason": REASON}).status_code == 403
    assert not SupportContinuation.objects.exists()


def test_the_chief_of_mission_records_it_on_the_page_and_approval_opens(client, awaiting, com, reyl):
    # Given the page opened from the refusal, for Colonel Reyl
    client.force_login(com)
    page = client.get(_url(awaiting, reyl))
    content = page.content.decode()
    measure = awaiting.mitigation_plan.measures.get(title=MEASURE_TITLE)
    assert page.status_code == 200
    assert "Colonel Tomas Reyl, current Commander of Esse Province, has a substantiated allegation" in content
    assert page.context["form"].initial == {"person": reyl.pk, "measure": measure.pk}

    # When the Chief of Mission gives the reason
    response = client.post(_url(awaiting), {"person": reyl.pk, "measure": measure.pk, "reason": REASON})

    # Then it is recorded and the approval is no longer refused for him
    assert response.status_code == 302
    assert SupportContinuation.objects.get().reason == REASON
    detail = client.get(response["Location"]).content.decode()
    assert "Way out recorded" in detail
    assert reverse("engagement_transition", args=[awaiting.pk, "approve_support"]) in detail


def test_the_page_names_every_missing_field_at_once(client, awaiting, com, reyl):
    client.force_login(com)

    response = client.post(_url(awaiting), {"person": "", "measure": "", "reason": ""})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"person", "measure", "reason"}
    assert not SupportContinuation.objects.exists()


def test_the_page_says_when_the_plan_holds_no_measure_for_the_person(client, office_a, com, esse, reyl):
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    client.force_login(com)

    content = client.get(_url(engagement, reyl)).content.decode()

    assert "The mitigation plan holds no measure excluding Colonel Tomas Reyl" in content


@pytest.mark.parametrize("query", ["?person=abc", "?person=99999999999999999999999", "?person=-1", ""])
def test_junk_in_the_query_string_is_ignored(client, awaiting, com, query):
    client.force_login(com)

    response = client.get(reverse("support_continuation_new", args=[awaiting.pk]) + query)

    assert response.status_code == 200
    assert response.context["chosen"] is None


def test_a_service_refusal_shows_on_the_page(client, awaiting, com, reyl):
    # Given the engagement ended meanwhile
    type(awaiting).objects.filter(pk=awaiting.pk).update(state=State.CLOSED)
    client.force_login(com)

    response = client.post(_url(awaiting), {
        "person": reyl.pk, "measure": awaiting.mitigation_plan.measures.get(title=MEASURE_TITLE).pk, "reason": REASON,
    })

    assert response.status_code == 400
    assert "The engagement has ended: there is no support to go on." in response.content.decode()
    assert not SupportContinuation.objects.exists()


def test_before_the_plan_exists_the_chief_of_mission_records_the_reasons_alone_and_may_endorse(
    client, office_a, com, esse, reyl
):
    # Given a first assessment awaiting endorsement, refused for Colonel Reyl
    engagement = engagement_ready_for("endorse", State.ENDORSEMENT, office=office_a, recipient=esse)
    client.force_login(com)

    # When the Chief of Mission gives the reasons, with no measure (none exists before the plan)
    response = client.post(_url(engagement), {"person": reyl.pk, "measure": "", "reason": REASON})

    # Then they are recorded and the assessment may be endorsed
    assert response.status_code == 302
    assert SupportContinuation.objects.get(engagement=engagement, person=reyl).measure is None
    assert_taken(engagement, "endorse", com, to=State.MITIGATION)
