"""The policy's rules on who commands a supported unit (P¶12(a)(iii), P¶16, P¶19): while a current commander of the
supported unit, or of the command above it, has a substantiated allegation of grave violations or is excluded from
support, the Chief of Mission cannot endorse, approve support or keep the plan standing, and no new activity may go
there; the way out is a measure of the plan excluding that person and the Chief of Mission's recorded reasons. A
cleared allegation, a lifted exclusion or the end of the command lifts the block by itself. Support is not approved
either while an exclusion in force covers the supported unit."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrddp.forms import ActivityForm
from hrddp.models import ActivityType, CommandPeriod, PersonOfInterest, Recipient, State
from hrddp.services import engagement_open
from interventions.exclusions import exclusion_lift, exclusion_record
from mitigation.models import MeasureStatus, MeasureType
from register.models import AllegationCategory, AllegationStatus
from register.rules import commander_flags, flagged_commanders
from register.rules_services import support_continuation_record
from register.services import allegation_record, allegation_status_change
from tests.builders import add_measure, assert_refused, assert_taken, engagement_ready_for
from tests.factories import ProjectFactory, SupportActivityFactory

SUMMARY = "Ordered the beating of detainees at the Kael post."
REYL_ALLEGATION = (
    "Colonel Tomas Reyl, current Commander of Esse Province, has a substantiated allegation "
    "(Gross violations of human rights, 12 March 2026: Ordered the beating of detainees at the Kael post)."
)
WAY_OUT = (
    "Support cannot go on unless the mitigation plan holds a measure excluding this person from the support and the "
    "Chief of Mission records why support may go on (P¶16)."
)
REFUSAL = f"{REYL_ALLEGATION} {WAY_OUT}"
ENDORSEMENT_REFUSAL = (
    f"{REYL_ALLEGATION} The assessment cannot be endorsed unless the Chief of Mission records why support may go on "
    "and how this person will be kept out of it (P¶16); approving support will then need a measure of the "
    "mitigation plan excluding this person."
)
MEASURE_TITLE = "Colonel Reyl kept out of every handover and training"
REASON = "The Ministry moved Colonel Reyl's deputy into the handover; the vehicles are logged by our monitors."


# --- The recipient's force, its command and a unit, and the people who command them ---------------------------


def _recipient(name, level, parent=None):
    return Recipient.objects.create(name=name, country="Darvonia", category="police", level=level, parent=parent)


@pytest.fixture
def force(office_a):
    return _recipient("Darvonian Police Force", "force")


@pytest.fixture
def esse(force):
    return _recipient("Esse Province", "command", force)


@pytest.fixture
def kael(esse):
    return _recipient("Kael Post", "unit", esse)


def commander_of(unit, *, name="Tomas Reyl", rank="Colonel", position=None, start=None, end=None):
    """A person holding a command position over `unit` (since a year ago, still held, by default)."""
    person = PersonOfInterest.objects.create(full_name=name, rank=rank, recipient=unit)
    CommandPeriod.objects.create(
        person=person, unit=unit, position=position or f"Commander of {unit.name}",
        start_date=start or timezone.localdate() - timedelta(days=365), end_date=end,
    )
    return person


def substantiate(person, pm, com, *, summary=SUMMARY, occurred_on=date(2026, 3, 12),
                 category=AllegationCategory.GROSS_VIOLATIONS):
    allegation = allegation_record(
        by=pm, person=person, category=category, summary=summary, occurred_on=occurred_on,
        sources=[{"description": "OHCHR report, March 2026", "source_reliability": "B", "information_credibility": "2"}],
    )
    return allegation_status_change(
        by=com, allegation=allegation, to_status=AllegationStatus.SUBSTANTIATED, reason="Two reports agree.",
    )


@pytest.fixture
def reyl(esse, pm, com):
    """Colonel Tomas Reyl commands Esse Province and has a substantiated allegation."""
    person = commander_of(esse)
    substantiate(person, pm, com)
    return person


def exclusion_measure(engagement, person, **fields):
    return add_measure(
        engagement, title=MEASURE_TITLE, measure_type=MeasureType.SCREENING_EXCLUSION, excludes_person=person, **fields
    )


def way_out(engagement, person, com):
    """The plan's measure excluding the person, and the Chief of Mission's reasons."""
    measure = exclusion_measure(engagement, person)
    return support_continuation_record(by=com, engagement=engagement, person=person, measure=measure, reason=REASON)


# --- Each refusal, with its reason ------------------------------------------------------------------------------


def test_the_endorsement_is_refused_naming_the_commander_and_the_allegation(office_a, com, esse, reyl):
    # Given an assessment awaiting endorsement for support to Esse Province, commanded by Colonel Reyl
    engagement = engagement_ready_for("endorse", State.ENDORSEMENT, office=office_a, recipient=esse)

    # When the Chief of Mission endorses it, then it is refused with the person, the allegation and the way out
    # (the plan is drawn up after endorsement, so the Chief of Mission's reasons come first)
    assert assert_refused(engagement, "endorse", com, ENDORSEMENT_REFUSAL) == [ENDORSEMENT_REFUSAL]


def test_before_the_plan_exists_the_chief_of_missions_reasons_let_the_assessment_be_endorsed_but_not_approved(
    office_a, pm, com, esse, reyl
):
    # Given a first assessment awaiting endorsement, refused for Colonel Reyl
    engagement = engagement_ready_for("endorse", State.ENDORSEMENT, office=office_a, recipient=esse)

    # When the Chief of Mission records why support may go on, with no measure yet
    support_continuation_record(by=com, engagement=engagement, person=reyl, measure=None, reason=REASON)

    # Then the assessment is endorsed
    assert_taken(engagement, "endorse", com, to=State.MITIGATION)
    # And at the approval stage the plan's measure is still needed
    [flag] = commander_flags(engagement)
    assert flag.reasons_before_plan is not None and not flag.covered
    assert REFUSAL in flag.refusal()


def test_once_the_plan_is_drawn_up_the_reasons_need_the_plans_measure(office_a, com, esse, reyl):
    # Given support awaiting approval
    engagement = engagement_ready_for("approve_support", State.APPROVAL, office=office_a, recipient=esse)

    # When the Chief of Mission records reasons without a measure, then the measure is asked for
    with pytest.raises(ValidationError, match="Choose the mitigation plan's measure"):
        support_continuation_record(by=com, engagement=engagement, person=reyl, measure=None, reason=REASON)


def test_keeping_the_plan_standing_is_refused_too(office_a, com, esse, reyl):
    # Given a reassessment of support approved before, awaiting endorsement
    engagement = engagement_ready_for("endorse_plan_stands", State.ENDORSEMENT, office=office_a, recipient=esse)

    # Then support does not go on under the old plan either
    assert_refused(engagement, "endorse_plan_stands", com, REFUSAL)


def test_the_approval_of_support_is_refused_naming_the_commander_and_the_allegation(office_a, com, esse, reyl):
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)

    assert assert_refused(engagement, "approve_support", com, REFUSAL) == [REFUSAL]


def test_a_commander_of_the_command_above_the_supported_unit_blocks_support_too(office_a, com, esse, kael, reyl):
    # Given support to Kael Post, a unit of the Esse Province command that Colonel Reyl commands (P¶12(a)(iii))
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=kael)

    # Then the refusal says he commands the command above the unit
    assert_refused(
        engagement, "approve_support", com,
        "Colonel Tomas Reyl, current Commander of Esse Province (above Kael Post), has a substantiated allegation",
    )


def test_a_commander_of_an_activitys_target_unit_blocks_support(office_a, pm, com, force, esse, kael):
    # Given support to the whole force, one activity going to Kael Post, whose commander has a substantiated allegation
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=force)
    SupportActivityFactory(engagement=engagement, target_unit=kael)
    substantiate(commander_of(kael, name="Ilan Moro", rank="Major"), pm, com)

    assert_refused(engagement, "approve_support", com, "Major Ilan Moro, current Commander of Kael Post, has")


def test_an_excluded_commander_blocks_support_with_the_exclusion_named(office_a, com, esse):
    # Given Colonel Reyl excluded from support by the Chief of Mission, with no allegation recorded
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    person = commander_of(esse)
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Named in the OHCHR report.", person=person)

    day = timezone.localdate(exclusion.excluded_at)
    assert_refused(
        engagement, "approve_support", com,
        f"Colonel Tomas Reyl, current Commander of Esse Province, is excluded from support since "
        f"{day.day} {day:%B %Y} (Named in the OHCHR report). {WAY_OUT}",
    )


def test_several_allegations_are_counted_and_the_latest_named(office_a, pm, com, esse, reyl):
    substantiate(reyl, pm, com, summary="Detentions without charge in Esse City.", occurred_on=date(2026, 5, 2))
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)

    assert_refused(
        engagement, "approve_support", com,
        "has 2 substantiated allegations (the latest: Gross violations of human rights, 2 May 2026: "
        "Detentions without charge in Esse City)",
    )


def test_a_new_activity_to_a_unit_under_a_flagged_commander_is_refused(office_a, pm, esse, kael, reyl):
    # Given Colonel Reyl commands Esse Province, above Kael Post
    project = ProjectFactory(office=office_a)
    activity = {"description": "Radios for the post", "activity_type": ActivityType.MATERIAL, "target_unit": kael}

    # When a request is opened with an activity to Kael Post, then the activity is refused, naming him
    with pytest.raises(ValidationError) as refused:
        engagement_open(office=office_a, project=project, recipient=esse, title="Radios", by=pm, activities=[activity])
    (message,) = refused.value.messages
    assert message == (
        "Colonel Tomas Reyl, current Commander of Esse Province (above Kael Post), has a substantiated allegation "
        "(Gross violations of human rights, 12 March 2026: Ordered the beating of detainees at the Kael post). "
        "No new activity may go to Kael Post unless the mitigation plan holds a measure excluding this person from "
        "the support and the Chief of Mission records why support may go on (P¶16)."
    )

    # And the request's form says so on the field, before anything is written
    form = ActivityForm({"description": "Radios", "activity_type": ActivityType.MATERIAL, "delivery": "direct",
                         "target_unit": kael.pk})
    assert not form.is_valid()
    assert "No new activity may go to Kael Post" in " ".join(form.errors["target_unit"])


def test_an_activity_to_a_unit_elsewhere_in_the_force_is_not_refused(office_a, pm, force, esse, reyl):
    # Given another command of the force, not under Colonel Reyl
    north = _recipient("North-East Command", "command", force)

    engagement = engagement_open(
        office=office_a, project=ProjectFactory(office=office_a), recipient=force, title="Radios", by=pm,
        activities=[{"description": "Radios", "activity_type": ActivityType.MATERIAL, "target_unit": north}],
    )

    assert engagement.activities.get().target_unit == north


# --- The way out, and what lifts the block ----------------------------------------------------------------------


def test_a_measure_excluding_him_is_not_enough_the_chief_of_mission_must_record_why(office_a, com, esse, reyl):
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    exclusion_measure(engagement, reyl)

    (reason,) = assert_refused(engagement, "approve_support", com, REYL_ALLEGATION)
    assert reason == (
        f"{REYL_ALLEGATION} The mitigation plan's measure “{MEASURE_TITLE}” excludes this person from the support; "
        "the Chief of Mission must still record why support may go on (P¶16)."
    )


@pytest.mark.parametrize("step", ["endorse", "approve_support", "endorse_plan_stands"])
def test_the_way_out_lets_the_step_be_taken(step, office_a, com, esse, reyl):
    # Given the step refused for Colonel Reyl
    source = State.ENDORSEMENT if step.startswith("endorse") else State.APPROVAL
    engagement = engagement_ready_for(step, source, office=office_a, recipient=esse)
    assert_refused(engagement, step, com, REYL_ALLEGATION)

    # When the plan excludes him and the Chief of Mission records why support may go on
    way_out(engagement, reyl, com)

    # Then the step is taken, and nobody is left flagged without the way out
    assert flagged_commanders(engagement) == []
    assert [flag.covered for flag in commander_flags(engagement)] == [True]
    assert_taken(engagement, step, com, to=State.MITIGATION if step == "endorse" else State.ACTIVE)


def test_the_way_out_lets_a_new_activity_of_that_engagement_go_to_the_unit(office_a, com, esse, kael, reyl):
    from hrddp.activity_rules import activity_target_refusal

    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    assert "No new activity may go to Kael Post" in activity_target_refusal(kael, engagement)

    way_out(engagement, reyl, com)

    assert activity_target_refusal(kael, engagement) is None
    assert activity_target_refusal(kael) is not None  # another request has no way out of its own


def test_a_dropped_measure_is_no_longer_a_way_out(office_a, com, esse, reyl):
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    continuation = way_out(engagement, reyl, com)
    continuation.measure.status = MeasureStatus.DROPPED
    continuation.measure.save()

    assert_refused(engagement, "approve_support", com, REFUSAL)


def test_another_engagements_way_out_does_not_count(office_a, com, esse, reyl):
    first = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    way_out(first, reyl, com)
    second = engagement_ready_for("approve_support", office=office_a, recipient=esse)

    assert_refused(second, "approve_support", com, REFUSAL)


def test_an_allegation_cleared_lifts_the_block(office_a, com, esse, reyl):
    # Given approval refused for Colonel Reyl's substantiated allegation
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    assert_refused(engagement, "approve_support", com, REFUSAL)

    # When the Chief of Mission clears the allegation
    allegation = reyl.allegations.get()
    allegation_status_change(by=com, allegation=allegation, to_status=AllegationStatus.CLEARED, reason="Acquitted.")

    # Then support is approved
    assert_taken(engagement, "approve_support", com, to=State.ACTIVE)


def test_a_lifted_exclusion_lifts_the_block(office_a, com, esse):
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Named in the report.", person=commander_of(esse))
    assert_refused(engagement, "approve_support", com, "is excluded from support")

    exclusion_lift(exclusion=exclusion, by=com, reason="Cleared by the inquiry.")

    assert_taken(engagement, "approve_support", com, to=State.ACTIVE)


def test_a_commander_no_longer_in_command_does_not_block(office_a, pm, com, esse):
    # Given the officer was removed from command yesterday (P¶16's own example)
    person = commander_of(esse, end=timezone.localdate() - timedelta(days=1))
    substantiate(person, pm, com)
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)

    assert_taken(engagement, "approve_support", com, to=State.ACTIVE)


def test_an_allegation_not_yet_substantiated_does_not_block(office_a, pm, com, esse):
    person = commander_of(esse)
    allegation_record(by=pm, person=person, category=AllegationCategory.GROSS_VIOLATIONS, summary=SUMMARY)
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)

    assert_taken(engagement, "approve_support", com, to=State.ACTIVE)


# --- An exclusion of the supported unit ---------------------------------------------------------------------------


def test_support_is_not_approved_while_an_exclusion_covers_the_supported_unit(office_a, com, esse, kael):
    # Given the Esse Province command excluded from support, and an engagement supporting Kael Post below it
    other = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    exclusion = exclusion_record(engagement=other, by=com, reason="Killings at the Kael checkpoint.", unit=esse)
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=kael)
    day = timezone.localdate(exclusion.excluded_at)

    # Then neither is approved, each told why
    assert assert_refused(other, "approve_support", com) == [
        f"Esse Province is excluded from support since {day.day} {day:%B %Y} (Killings at the Kael checkpoint): "
        "support cannot be approved while the exclusion is in force."
    ]
    assert assert_refused(engagement, "approve_support", com) == [
        f"Esse Province is excluded from support since {day.day} {day:%B %Y} (Killings at the Kael checkpoint), "
        "and Kael Post (the recipient) with it: support cannot be approved while the exclusion is in force."
    ]

    # And once the exclusion is lifted, support is approved
    exclusion_lift(exclusion=exclusion, by=com, reason="The unit was disbanded and re-formed.")
    assert_taken(engagement, "approve_support", com, to=State.ACTIVE)


# --- The engagement page -------------------------------------------------------------------------------------


def test_the_engagement_page_shows_the_refusal_and_links_the_chief_of_mission_to_the_way_out(
    client, office_a, pm, com, esse, reyl
):
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=esse)
    exclusion_measure(engagement, reyl)
    link = f"{reverse('support_continuation_new', args=[engagement.pk])}?person={reyl.pk}"

    client.force_login(com)
    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "Commanders flagged in the register" in page
    assert "Colonel Tomas Reyl, current Commander of Esse Province, has a substantiated allegation" in page
    assert link in page

    # And the project manager sees the same, without the Chief of Mission's link
    client.force_login(pm)
    page = client.get(reverse("approval", args=[engagement.pk])).content.decode()
    assert "Commanders flagged in the register" in page and link not in page


# --- Bounded queries -----------------------------------------------------------------------------------------------


def _flagged_commanders(count, esse, kael, pm, com):
    """`count` commanders of Kael Post and Esse Province, each with a substantiated allegation (and one excluded)."""
    for index in range(count):
        unit = kael if index % 2 else esse
        person = commander_of(unit, name=f"Officer {index}", rank="Major", position=f"Deputy {index}, {unit.name}")
        substantiate(person, pm, com, summary=f"Beatings number {index}.")


@pytest.mark.parametrize("count", [1, 10])
def test_the_rules_read_a_handful_of_queries_whatever_the_number_of_commanders(
    count, office_a, pm, com, esse, kael, django_assert_max_num_queries
):
    engagement = engagement_ready_for("approve_support", office=office_a, recipient=kael)
    for _ in range(3):
        SupportActivityFactory(engagement=engagement, target_unit=kael)
    _flagged_commanders(count, esse, kael, pm, com)
    for person in PersonOfInterest.objects.all()[:2]:
        exclusion_measure(engagement, person)

    with django_assert_max_num_queries(6):
        flags = commander_flags(engagement)
    assert len(flags) == count

    from register.rules import approval_refusals

    with django_assert_max_num_queries(7):
        assert len(approval_refusals(engagement)) == count


def test_the_engagement_page_reads_as_many_queries_with_ten_commanders_as_with_one(
    client, office_a, pm, com, esse, kael
):
    # Given an assessment awaiting endorsement for support to Kael Post, one flagged commander above it
    engagement = engagement_ready_for("endorse", State.ENDORSEMENT, office=office_a, recipient=kael)
    _flagged_commanders(1, esse, kael, pm, com)
    client.force_login(com)
    url = reverse("engagement_detail", args=[engagement.pk])

    def page_queries():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    with_one, page = page_queries()
    assert page.count("has a substantiated allegation") >= 1

    # When nine more are flagged, then the page reads no more queries
    _flagged_commanders(9, esse, kael, pm, com)
    with_ten, page = page_queries()
    assert page.count("Officer 8") >= 1
    assert with_ten == with_one
