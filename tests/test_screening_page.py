"""The screening page (Action 1): answers pre-filled from the recipient and the
activities, corrections with a reason, the conclude steps, and who may change it."""

import re

import pytest
from django.urls import reverse

from assessments.models import Screening
from assessments.services import screening_prefill
from hrddp.models import ActivityType, RecipientCategory, State
from tests.builders import complete_screening, describe_activities, reload
from tests.factories import EngagementFactory, RecipientFactory
from tests.pages import step_names

QUESTIONS = ["engages_security_force", "provides_support", "entirely_exempt"]
CORRECTION_WITHOUT_REASON = "You changed the suggested answer: say why."


def _url(engagement):
    return reverse("screening", args=[engagement.pk])


def _answers(engages=True, support=True, exempt=False, **fields):
    data = {
        "engages_security_force": str(engages), "provides_support": str(support), "entirely_exempt": str(exempt),
        "engages_security_force_note": "", "provides_support_note": "", "entirely_exempt_note": "", "rationale": "",
    }
    data.update(fields)
    return data


def _post(client, user, engagement, data):
    client.force_login(user)
    return client.post(_url(engagement), data)


def _get(client, user, engagement):
    client.force_login(user)
    response = client.get(_url(engagement))
    return response, response.content.decode()


def _record(engagement):
    return Screening.objects.filter(engagement=engagement).values().first()




@pytest.fixture
def screening(office_a):
    """A police force receiving training, at the screening stage (as start_screening leaves it)."""
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.TRAINING)
    screening_prefill(engagement=engagement)
    return engagement


@pytest.fixture
def exempt_only(office_a):
    """Only exempt support (MEDEVAC), at the screening stage, not yet answered."""
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC)
    return engagement


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, screening):
    response = client.get(_url(screening))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "types, expected",
    [
        ([ActivityType.TRAINING], {"engages_security_force": True, "provides_support": True, "entirely_exempt": False}),
        ([ActivityType.MEDEVAC], {"engages_security_force": True, "provides_support": True, "entirely_exempt": True}),
        (
            [ActivityType.MEDEVAC, ActivityType.LOGISTICAL],
            {"engages_security_force": True, "provides_support": True, "entirely_exempt": False},
        ),
    ],
    ids=["non-exempt", "exempt", "mix"],
)
def test_it_prefills_the_answers_from_the_recipient_and_the_activity_types(client, pm, office_a, types, expected):
    recipient = RecipientFactory(country=office_a.country, category=RecipientCategory.BORDER_CUSTOMS)
    engagement = EngagementFactory(office=office_a, state=State.SCREENING, recipient=recipient)
    describe_activities(engagement, *types)

    response, content = _get(client, pm, engagement)

    assert response.status_code == 200
    form = response.context["form"]
    assert {q: form.initial[q] for q in QUESTIONS} == expected
    for question, answer in expected.items():
        assert re.search(rf'<input type="radio" name="{question}" value="{answer}"[^>]* checked>', content)
    assert "Border control and customs" in content


def test_it_shows_the_suggestion_next_to_each_question(client, pm, exempt_only):
    _, content = _get(client, pm, exempt_only)

    assert content.count("Suggested from the recipient and the activities: Yes.") == 3


def test_it_saves_the_confirmed_answers(client, pm, screening):
    response = _post(client, pm, screening, _answers(rationale="Police, community-policing training."))

    assert response.status_code == 302
    assert response["Location"] == _url(screening)
    record = Screening.objects.get(engagement=screening)
    assert (record.engages_security_force, record.provides_support, record.entirely_exempt) == (True, True, False)
    assert record.rationale == "Police, community-policing training."
    assert record.prudential_assessment is False
    assert "Screening saved." in client.get(response["Location"]).content.decode()


def test_it_saves_a_first_screening_when_none_was_prefilled(client, pm, exempt_only):
    response = _post(client, pm, exempt_only, _answers(exempt=True))

    assert response.status_code == 302
    record = Screening.objects.get(engagement=exempt_only)
    assert (record.engages_security_force, record.provides_support, record.entirely_exempt) == (True, True, True)


@pytest.mark.parametrize("question", QUESTIONS)
def test_it_rerenders_400_when_an_answer_is_corrected_without_a_reason(client, pm, screening, question):
    before = _record(screening)
    corrected = {"engages": True, "support": True, "exempt": False}
    key = {"engages_security_force": "engages", "provides_support": "support", "entirely_exempt": "exempt"}[question]
    corrected[key] = not corrected[key]

    response = _post(client, pm, screening, _answers(**corrected, **{f"{question}_note": "   "}))

    assert response.status_code == 400
    assert response.context["form"].errors[f"{question}_note"] == [CORRECTION_WITHOUT_REASON]
    assert CORRECTION_WITHOUT_REASON in response.content.decode()
    assert _record(screening) == before


def test_it_saves_a_corrected_answer_with_its_reason(client, pm, screening):
    data = _answers(
        engages=False, engages_security_force_note="  The unit was transferred to the civil protection agency.  "
    )

    response = _post(client, pm, screening, data)

    assert response.status_code == 302
    record = Screening.objects.get(engagement=screening)
    assert record.engages_security_force is False
    assert record.engages_security_force_note == "The unit was transferred to the civil protection agency."


def test_it_rerenders_400_when_an_answer_is_missing(client, pm, screening):
    before = _record(screening)
    data = _answers()
    del data["provides_support"]

    response = _post(client, pm, screening, data)

    assert response.status_code == 400
    assert response.context["form"].errors["provides_support"]
    assert _record(screening) == before


def test_it_saves_a_prudential_assessment_of_exempt_support(client, pm, exempt_only):
    response = _post(
        client, pm, exempt_only,
        _answers(exempt=True, prudential_assessment="on", rationale="High reputational risk at the border."),
    )

    assert response.status_code == 302
    record = Screening.objects.get(engagement=exempt_only)
    assert (record.entirely_exempt, record.prudential_assessment) == (True, True)
    _, content = _get(client, pm, exempt_only)
    assert "conclude_applicable" in step_names(content)
    assert "conclude_not_applicable" not in step_names(content)


def test_it_offers_exempt_only_support_the_not_applicable_conclusion(client, pm, exempt_only):
    complete_screening(exempt_only, entirely_exempt=True)

    _, content = _get(client, pm, exempt_only)

    assert step_names(content) == {"conclude_not_applicable"}


def test_it_shows_the_conclude_steps_and_refuses_not_applicable_for_a_mix(client, pm, office_a):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC, ActivityType.TRAINING)
    complete_screening(engagement)

    response, content = _get(client, pm, engagement)

    assert step_names(content) == {"conclude_applicable"}
    assert "Conclude: HRDDP applies" in content
    assert "Not possible yet" in content
    assert "Conclude: HRDDP not applicable" in content
    assert "At least one activity is non-exempt support" in content


def test_it_takes_the_concluding_step_from_the_page(client, pm, screening):
    _post(client, pm, screening, _answers())

    response = client.post(
        reverse("engagement_transition", args=[screening.pk, "conclude_applicable"]),
        {"justification": "Police receiving training: HRDDP applies.", "revision": reload(screening).revision},
    )

    assert response.status_code == 302
    assert reload(screening).state == State.PRECONDITIONS


def test_it_shows_the_draft_page_read_only_with_the_start_step(client, pm, engagement):
    describe_activities(engagement)

    response, content = _get(client, pm, engagement)

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert "The screening has not started." in content
    assert 'name="engages_security_force"' not in content
    assert step_names(content) == {"start_screening"}


def test_it_shows_the_screening_read_only_after_the_stage(client, pm, office_a):
    engagement = EngagementFactory(office=office_a, state=State.PRECONDITIONS)
    describe_activities(engagement)
    complete_screening(engagement, rationale="Police receiving training.")

    response, content = _get(client, pm, engagement)

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert 'name="engages_security_force"' not in content
    assert "Save the screening" not in content
    assert "Police receiving training." in content


@pytest.mark.parametrize("state", [State.DRAFT, State.PRECONDITIONS, State.NOT_APPLICABLE, State.ACTIVE])
def test_it_redirects_the_project_manager_with_an_error_when_posting_outside_the_stage(client, pm, office_a, state):
    engagement = EngagementFactory(office=office_a, state=state)
    describe_activities(engagement)
    complete_screening(engagement, rationale="Kept as it was.")
    before = _record(engagement)

    response = _post(client, pm, engagement, _answers(engages=False, engages_security_force_note="Changed."))

    assert response.status_code == 302
    assert response["Location"] == reverse("engagement_detail", args=[engagement.pk])
    assert _record(engagement) == before
    assert reload(engagement).state == state
    page = client.get(response["Location"]).content.decode()
    assert "The screening can only be changed while the engagement is at that stage." in page


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_shows_others_the_page_read_only(client, request, screening, who):
    response, content = _get(client, request.getfixturevalue(who), screening)

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert 'name="engages_security_force"' not in content


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_forbids_others_to_change_the_screening(client, request, screening, who):
    before = _record(screening)

    response = _post(client, request.getfixturevalue(who), screening, _answers(rationale="Not theirs to say."))

    assert response.status_code == 403
    assert _record(screening) == before


def test_it_returns_404_to_the_outsider(client, outsider, screening):
    before = _record(screening)
    client.force_login(outsider)

    assert client.get(_url(screening)).status_code == 404
    assert client.post(_url(screening), _answers(rationale="Not theirs.")).status_code == 404
    assert _record(screening) == before
