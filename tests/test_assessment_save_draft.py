"""The service that writes a draft of the risk assessment (assessments.risk.assessment_save_draft):
all or nothing, only a draft of the latest version, only while the engagement is at the
risk-assessment stage, and only by someone who prepares the engagement."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import AssessmentStatus, CitedSource, RiskAssessment, RiskElement, RiskFactor
from assessments.risk import AssessmentNotEditable, assessment_save_draft
from hrddp.models import Engagement, State
from hrddp.services import EngagementChangedMeanwhile
from tests.builders import add_measure, complete_assessment, new_assessment_version, start_assessment
from tests.factories import EngagementFactory

SOURCE = {"citation": "OHCHR, annual report on Darvonia (2025)", "is_un_source": True, "reliability": "A",
          "element": RiskElement.COUNTRY_SITUATION}
FACTOR = {"description": "Reports of extrajudicial killings by the border unit", "element": RiskElement.COMPLIANCE_RECORD}


def _contents(assessment: RiskAssessment) -> tuple:
    """Everything a version holds, to compare before and after."""
    assessment = RiskAssessment.objects.get(pk=assessment.pk)
    return (
        assessment.status, assessment.final_rating, assessment.final_justification,
        sorted(assessment.elements.values_list("element", "narrative", "rating")),
        sorted(assessment.sources.values_list("pk", "citation", "is_un_source", "reliability", "element")),
        sorted(assessment.risk_factors.values_list("pk", "description", "element")),
    )


def _save(assessment, by, **changes):
    kwargs = dict(elements={}, final_rating="", final_justification="", sources=[], factors=[])
    kwargs.update(changes)
    return assessment_save_draft(assessment=assessment, by=by, **kwargs)


@pytest.fixture
def draft(office_a):
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    return start_assessment(engagement)


def test_it_writes_the_elements_final_rating_sources_and_risk_factors_of_a_draft(pm, draft):
    _save(
        draft, pm,
        elements={RiskElement.COUNTRY_SITUATION: {"narrative": "  Curfews and mass arrests in Esse.  ", "rating": "high"},
                  RiskElement.DEATH_PENALTY: {"narrative": "", "rating": ""}},
        final_rating="medium", final_justification="Manageable with mitigation.",
        sources=[SOURCE], factors=[FACTOR],
    )

    status, rating, justification, elements, sources, factors = _contents(draft)
    assert (status, rating, justification) == (AssessmentStatus.DRAFT, "medium", "Manageable with mitigation.")
    assert elements == [(RiskElement.COUNTRY_SITUATION, "Curfews and mass arrests in Esse.", "high")]
    assert [s[1:] for s in sources] == [tuple(SOURCE.values())]
    assert [f[1:] for f in factors] == [tuple(FACTOR.values())]


def test_it_changes_and_removes_rows_by_id_and_leaves_rows_not_mentioned_alone(pm, draft):
    kept, changed, removed = (
        CitedSource.objects.create(assessment=draft, citation=f"Source {n}", reliability="C") for n in range(3)
    )
    factor = RiskFactor.objects.create(assessment=draft, description="Indefinite detention at crossing Y")
    measure = add_measure(draft.engagement, targets=[factor])

    _save(
        draft, pm,
        sources=[{"id": changed.pk, "citation": "Source 1, revised", "reliability": "B", "is_un_source": False, "element": ""},
                 {"id": removed.pk, "delete": True}],
        factors=[{"id": factor.pk, "description": "Law allowing indefinite detention at crossing Y", "element": ""}],
    )

    assert sorted(CitedSource.objects.values_list("citation", "reliability")) == [("Source 0", "C"), ("Source 1, revised", "B")]
    factor.refresh_from_db()
    assert factor.description == "Law allowing indefinite detention at crossing Y"
    assert list(measure.risk_factors.all()) == [factor]  # the mitigation measure still targets it
    assert kept.pk in set(CitedSource.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sources": [{**SOURCE, "citation": "  "}]}, "Row 1, citation"),
        ({"sources": [{**SOURCE, "reliability": "G"}]}, "Row 1, reliability"),
        ({"factors": [{**FACTOR, "description": ""}]}, "Row 1, description"),
        ({"final_rating": "extreme"}, "not a valid final rating"),
        ({"elements": {RiskElement.DEATH_PENALTY: {"narrative": "x", "rating": "severe"}}}, "not a valid rating"),
        ({"elements": {"weather": {"narrative": "x", "rating": ""}}}, "Unknown risk element"),
    ],
    ids=["source-without-citation", "reliability-outside-A-F", "factor-without-description", "final-rating",
         "element-rating", "unknown-element"],
)
def test_it_refuses_invalid_values_and_writes_nothing(pm, draft, changes, message):
    complete_assessment(draft.engagement)
    before = _contents(draft)
    good = dict(elements={RiskElement.UN_INFLUENCE: {"narrative": "Changed", "rating": ""}}, final_rating="high",
                sources=[SOURCE], factors=[FACTOR])

    with pytest.raises(ValidationError) as refused:
        _save(draft, pm, **{**good, **changes})

    assert any(message in text for text in refused.value.messages), refused.value.messages
    assert _contents(draft) == before


def test_it_refuses_a_row_of_another_version(pm, office_a, draft):
    other = complete_assessment(EngagementFactory(office=office_a, state=State.ASSESSMENT))
    foreign = other.sources.get()
    before = _contents(other)

    with pytest.raises(ValidationError):
        _save(draft, pm, sources=[{**SOURCE, "id": foreign.pk}])

    assert _contents(other) == before
    assert not draft.sources.exists()


@pytest.mark.parametrize("status", [AssessmentStatus.SUBMITTED, AssessmentStatus.ENDORSED, AssessmentStatus.DECLINED])
def test_it_refuses_to_change_a_version_that_is_no_longer_a_draft(pm, draft, status):
    complete_assessment(draft.engagement, status=status)
    before = _contents(draft)

    with pytest.raises(AssessmentNotEditable) as refused:
        _save(draft, pm, final_rating="low", final_justification="Rewritten after the decision.", sources=[SOURCE])

    assert "can no longer be changed" in refused.value.message
    assert _contents(draft) == before


@pytest.mark.parametrize("state", [State.COORDINATION, State.ENDORSEMENT, State.MITIGATION, State.ACTIVE])
def test_it_refuses_to_change_a_draft_outside_the_risk_assessment_stage(pm, office_a, state):
    draft = start_assessment(EngagementFactory(office=office_a, state=state))

    with pytest.raises(AssessmentNotEditable) as refused:
        _save(draft, pm, final_rating="low")

    assert "only be changed while the engagement is at the risk assessment stage" in refused.value.message
    assert RiskAssessment.objects.get(pk=draft.pk).final_rating == ""


def test_it_refuses_to_change_an_earlier_version(pm, draft):
    new_assessment_version(draft.engagement)

    with pytest.raises(AssessmentNotEditable) as refused:
        _save(draft, pm, final_rating="low")

    assert "not the latest version" in refused.value.message


@pytest.mark.parametrize("user", ["com", "hq", "auditor", "outsider"])
def test_it_refuses_a_user_who_does_not_prepare_the_engagement(draft, user, request):
    with pytest.raises(PermissionDenied):
        _save(draft, request.getfixturevalue(user), final_rating="low")

    assert RiskAssessment.objects.get(pk=draft.pk).final_rating == ""


def test_it_refuses_a_stale_page_when_the_engagement_took_a_step_meanwhile(pm, draft):
    Engagement.objects.filter(pk=draft.engagement_id).update(revision=4)

    with pytest.raises(EngagementChangedMeanwhile):
        assessment_save_draft(
            assessment=draft, by=pm, elements={}, final_rating="low", final_justification="", sources=[], factors=[],
            expected_revision=3,
        )

    assert RiskAssessment.objects.get(pk=draft.pk).final_rating == ""


def test_it_writes_thirty_rows_with_as_few_queries_as_three(pm, office_a, django_assert_max_num_queries):
    for count in (3, 30):
        draft = start_assessment(EngagementFactory(office=office_a, state=State.ASSESSMENT))
        rows = [{**SOURCE, "citation": f"Report {n}"} for n in range(count)]
        factors = [{**FACTOR, "description": f"Factor {n}"} for n in range(count)]
        with django_assert_max_num_queries(15):
            _save(draft, pm, sources=rows, factors=factors,
                  elements={value: {"narrative": "Seen.", "rating": ""} for value in RiskElement.values})
        assert draft.sources.count() == count
