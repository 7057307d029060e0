"""The mitigation plan page (Action 5): measures targeting the assessment's risk
factors, the coverage table, the good-practice catalogue, submitting the plan,
and who may change it."""

import re

import pytest
from django.urls import reverse

from assessments.models import AssessmentStatus
from hrddp.models import State
from mitigation.models import MeasureStatus, MeasureTemplate, MeasureType, MitigationMeasure, MitigationPlan
from tests.builders import add_measure, complete_assessment, new_assessment_version, record_coordination, reload
from tests.factories import EngagementFactory
from tests.pages import step_names

FACTORS = (
    "Reports of extrajudicial killings by the Rapid Intervention Unit",
    "Law allowing indefinite detention at the Kael crossing",
)
MEASURE_FIELDS = ["title", "measure_type", "nature", "owner", "due_date", "budget_line", "status", "review_notes"]
# The plan page may run at most this many queries, whatever the number of measures
# (session, user, memberships, engagement, plan, assessment, coverage, measures with
# their prefetched targets, the risk factors offered once, the catalogue, the steps' guards), and the plan's
# evidence files and discussion (the measures offered for a file, the files, the comments).
MAX_QUERIES = 26


def _url(engagement):
    return reverse("mitigation_plan", args=[engagement.pk])


def _catalogue_url(engagement):
    return reverse("add_from_catalogue", args=[engagement.pk])


def _measure(title="Vetting of the unit's officers", factors=(), **fields):
    row = {
        "title": title, "measure_type": MeasureType.SCREENING_EXCLUSION, "nature": "preventive", "owner": "Project manager",
        "due_date": "2026-06-30", "budget_line": "B-12", "status": MeasureStatus.PLANNED, "review_notes": "",
        "risk_factors": [f.pk for f in factors],
    }
    row.update(fields)
    return row


def _existing(measure, **changes):
    """A row for a saved measure, as the page shows it."""
    row = {name: getattr(measure, name) for name in MEASURE_FIELDS}
    row["due_date"] = measure.due_date.isoformat() if measure.due_date else ""
    row["risk_factors"] = list(measure.risk_factors.values_list("pk", flat=True))
    row["id"] = measure.pk
    row.update(changes)
    return row


def _data(*rows, initial=0, residual="medium", justification="Every factor is targeted.", **plan):
    """The plan form and the measures formset: `initial` saved rows first, then new ones."""
    data = {
        "measures-TOTAL_FORMS": str(len(rows)), "measures-INITIAL_FORMS": str(initial),
        "measures-MIN_NUM_FORMS": "0", "measures-MAX_NUM_FORMS": "1000",
        "plan-residual_risk": residual, "plan-residual_risk_justification": justification,
        "plan-visibility_decision": "",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if name == "DELETE" and not value:
                continue
            data[f"measures-{index}-{name}"] = "on" if name == "DELETE" else value
    for name, value in plan.items():
        data[f"plan-{name}"] = value
    return data


def _post(client, user, engagement, data, url=None):
    client.force_login(user)
    return client.post(url or _url(engagement), data)


def _get(client, user, engagement):
    client.force_login(user)
    response = client.get(_url(engagement))
    return response, response.content.decode()


def _snapshot(engagement):
    """The plan's fields and every measure with its targets."""
    plan = MitigationPlan.objects.filter(engagement=engagement).values(
        "residual_risk", "residual_risk_justification", "waive_visibility", "visibility_decision", "submitted_at"
    ).first()
    measures = [
        (m.pk, *(getattr(m, f) for f in MEASURE_FIELDS), sorted(m.risk_factors.values_list("pk", flat=True)))
        for m in MitigationMeasure.objects.filter(plan__engagement=engagement).order_by("pk")
    ]
    return plan, measures


def _step(client, user, engagement, name):
    client.force_login(user)
    return client.post(
        reverse("engagement_transition", args=[engagement.pk, name]),
        {"justification": "The plan targets every risk factor.", "revision": reload(engagement).revision},
    )




@pytest.fixture
def planning(office_a):
    """At the mitigation stage: no country mechanism, an endorsed medium-risk assessment with two risk factors."""
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    record_coordination(engagement, mechanism=False)
    complete_assessment(engagement, rating="medium", factors=FACTORS, status=AssessmentStatus.ENDORSED)
    return reload(engagement)


@pytest.fixture
def factors(planning):
    return list(planning.current_assessment.risk_factors.order_by("pk"))


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, planning):
    response = client.get(_url(planning))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_project_manager_an_empty_plan_to_fill_in(client, pm, planning, factors):
    response, content = _get(client, pm, planning)

    assert response.status_code == 200
    assert response.context["editable"] is True
    assert not MitigationPlan.objects.filter(engagement=planning).exists()  # reading the page writes nothing
    assert 'name="measures-TOTAL_FORMS"' in content
    for factor in factors:
        assert f'value="{factor.pk}"' in content


def test_it_saves_the_plan_with_measures_targeting_the_risk_factors(client, pm, planning, factors):
    _get(client, pm, planning)
    data = _data(
        _measure("Vetting of the unit's officers", factors=[factors[0]]),
        _measure("Monitoring visits to the Kael crossing", factors=factors, measure_type=MeasureType.MONITORING),
    )

    response = _post(client, pm, planning, data)

    assert response.status_code == 302
    assert response["Location"] == _url(planning)
    plan = MitigationPlan.objects.get(engagement=planning)
    assert (plan.residual_risk, plan.residual_risk_justification) == ("medium", "Every factor is targeted.")
    saved = {m.title: set(m.risk_factors.all()) for m in plan.measures.all()}
    assert saved == {
        "Vetting of the unit's officers": {factors[0]},
        "Monitoring visits to the Kael crossing": set(factors),
    }
    vetting = plan.measures.get(title="Vetting of the unit's officers")
    assert (vetting.owner, vetting.due_date.isoformat(), vetting.budget_line) == ("Project manager", "2026-06-30", "B-12")
    assert "Mitigation plan saved." in client.get(response["Location"]).content.decode()


def test_it_shows_each_risk_factor_with_its_measure_count(client, pm, planning, factors):
    add_measure(planning, title="Vetting", targets=[factors[0]])
    add_measure(planning, title="Monitoring", targets=[factors[0]])
    add_measure(planning, title="Dropped idea", targets=[factors[1]], status=MeasureStatus.DROPPED)

    response, content = _get(client, pm, planning)

    assert [(f.description, f.measure_count) for f in response.context["coverage"]] == [(FACTORS[0], 2), (FACTORS[1], 0)]
    assert (
        f'<tr><td data-label="Risk factor">{FACTORS[0]}</td><td data-label="Measures targeting it">2</td></tr>'
    ) in content
    assert (
        f'<tr><td data-label="Risk factor">{FACTORS[1]}</td>'
        '<td data-label="Measures targeting it"><strong class="warn">none yet</strong></td></tr>'
    ) in content


def test_it_counts_only_the_measures_of_this_plan(client, pm, planning, factors, office_a):
    add_measure(planning, title="Vetting", targets=[factors[0]])
    other = EngagementFactory(office=office_a, state=State.MITIGATION)
    add_measure(other, title="Someone else's measure", targets=[factors[1]])

    response, _ = _get(client, pm, planning)

    assert [f.measure_count for f in response.context["coverage"]] == [1, 0]


def test_it_offers_only_the_current_assessments_risk_factors(client, pm, planning, factors):
    new_assessment_version(planning)
    current = complete_assessment(planning, factors=["Recruitment of minors at the Omri barracks"])

    response, _ = _get(client, pm, planning)

    offered = set(response.context["formset"].forms[0].fields["risk_factors"].queryset)
    assert offered == set(current.risk_factors.all())
    assert not offered & set(factors)
    assert [f.description for f in response.context["coverage"]] == ["Recruitment of minors at the Omri barracks"]


@pytest.mark.parametrize(
    "bad, field",
    [({"title": ""}, "title"), ({"due_date": "31/06/2026"}, "due_date"), ({"due_date": "2026-02-30"}, "due_date")],
    ids=["no-title", "bad-date-format", "impossible-date"],
)
def test_it_rerenders_400_and_saves_nothing_when_a_measure_row_is_invalid(client, pm, planning, factors, bad, field):
    kept = add_measure(planning, title="Vetting", targets=[factors[0]], owner="PM")
    before = _snapshot(planning)
    data = _data(
        _existing(kept, title="Vetting renamed", risk_factors=[f.pk for f in factors]),
        {**_measure("Monitoring", factors=[factors[1]]), **bad},
        initial=1, residual="low", justification="Changed my mind.",
    )

    response = _post(client, pm, planning, data)

    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors[field]
    assert "There is a problem with the measures" in response.content.decode()
    assert _snapshot(planning) == before


def test_it_rerenders_400_when_the_residual_risk_has_no_justification(client, pm, planning, factors):
    _get(client, pm, planning)
    before = _snapshot(planning)

    response = _post(client, pm, planning, _data(_measure(factors=factors), justification="  "))

    assert response.status_code == 400
    assert response.context["plan_form"].errors["residual_risk_justification"]
    assert _snapshot(planning) == before


def test_it_rejects_a_risk_factor_of_another_engagement(client, pm, planning, office_a):
    other = EngagementFactory(office=office_a, state=State.MITIGATION)
    foreign = complete_assessment(other, factors=["Someone else's factor"]).risk_factors.get()
    _get(client, pm, planning)
    before = _snapshot(planning)

    response = _post(client, pm, planning, _data(_measure(factors=[foreign])))

    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["risk_factors"]
    assert _snapshot(planning) == before


def test_it_ignores_an_untouched_new_measure_row(client, pm, planning, factors):
    kept = add_measure(planning, title="Vetting", targets=[factors[0]])
    blank = {name: "" for name in MEASURE_FIELDS} | {
        "measure_type": "", "nature": "preventive", "status": MeasureStatus.PLANNED, "risk_factors": [],
    }

    response = _post(client, pm, planning, _data(_existing(kept), blank, initial=1))

    assert response.status_code == 302
    assert list(MitigationMeasure.objects.values_list("title", flat=True)) == ["Vetting"]


def test_it_deletes_a_measure_marked_for_deletion(client, pm, planning, factors):
    kept = add_measure(planning, title="Vetting", targets=[factors[0]])
    gone = add_measure(planning, title="Abandoned idea", targets=[factors[1]])

    response = _post(client, pm, planning, _data(_existing(kept), _existing(gone, DELETE=True), initial=2))

    assert response.status_code == 302
    assert list(MitigationMeasure.objects.values_list("title", flat=True)) == ["Vetting"]
    assert list(factors[1].measures.all()) == []


def test_the_catalogue_holds_the_toolkits_22_examples(client, pm, planning):
    response, content = _get(client, pm, planning)

    assert MeasureTemplate.objects.count() == 22
    assert len(list(response.context["catalogue_form"].fields["templates"].queryset)) == 22
    assert content.count('name="catalogue-templates"') == 22


def test_it_adds_the_chosen_catalogue_measures_to_the_plan(client, pm, planning):
    chosen = list(MeasureTemplate.objects.filter(title__in=["Pilot support", "Project grievance mechanism"]))

    response = _post(client, pm, planning, {"catalogue-templates": [t.pk for t in chosen]}, url=_catalogue_url(planning))

    assert response.status_code == 302
    assert response["Location"] == _url(planning)
    added = set(MitigationMeasure.objects.filter(plan__engagement=planning).values_list("title", "measure_type", "nature"))
    assert added == {(t.title, t.measure_type, t.nature) for t in chosen}
    page = client.get(response["Location"]).content.decode()
    assert "2 measure(s) added from the catalogue" in page


def test_it_says_so_when_no_catalogue_measure_is_chosen(client, pm, planning):
    response = _post(client, pm, planning, {}, url=_catalogue_url(planning))

    assert response.status_code == 302
    assert not MitigationMeasure.objects.exists()
    assert "Choose at least one measure from the catalogue." in client.get(response["Location"]).content.decode()


def test_it_refuses_to_submit_a_medium_risk_plan_leaving_a_factor_untargeted(client, pm, planning, factors):
    _post(client, pm, planning, _data(_measure(factors=[factors[0]])))

    response = _step(client, pm, planning, "submit_plan")

    assert response.status_code == 400
    content = response.content.decode()
    assert "No measure targets these risk factors" in content
    assert FACTORS[1] in content
    assert reload(planning).state == State.MITIGATION
    assert MitigationPlan.objects.get(engagement=planning).submitted_at is None


def test_it_shows_the_refused_submission_on_the_plan_page(client, pm, planning, factors):
    add_measure(planning, targets=[factors[0]])

    _, content = _get(client, pm, planning)

    assert step_names(content) == set()
    assert "No measure targets these risk factors" in content


def test_it_submits_the_plan_once_every_factor_is_targeted(client, pm, planning, factors):
    _post(client, pm, planning, _data(_measure(factors=[factors[0]])))
    measure = MitigationMeasure.objects.get()
    _post(client, pm, planning, _data(_existing(measure), _measure("Monitoring", factors=[factors[1]]), initial=1))
    _, content = _get(client, pm, planning)
    assert step_names(content) == {"submit_plan"}

    response = _step(client, pm, planning, "submit_plan")

    assert response.status_code == 302
    assert reload(planning).state == State.APPROVAL
    plan = MitigationPlan.objects.get(engagement=planning)
    assert plan.submitted_by == pm and plan.submitted_at is not None


@pytest.mark.parametrize("state", [State.APPROVAL, State.ACTIVE])
def test_it_is_read_only_outside_the_mitigation_stage(client, pm, office_a, state):
    engagement = EngagementFactory(office=office_a, state=state)
    complete_assessment(engagement, factors=FACTORS, status=AssessmentStatus.ENDORSED)
    measure = add_measure(engagement, title="Vetting of the unit's officers")
    before = _snapshot(engagement)

    response, content = _get(client, pm, engagement)
    assert response.context["editable"] is False
    assert response.context["catalogue_form"] is None
    assert 'name="measures-TOTAL_FORMS"' not in content
    assert "Vetting of the unit&#x27;s officers" in content

    response = _post(client, pm, engagement, _data(_existing(measure, title="Renamed"), initial=1, residual="low"))

    assert response.status_code == 302
    assert _snapshot(engagement) == before
    assert "The plan can only be changed while the engagement is at the mitigation stage." in (
        client.get(response["Location"]).content.decode()
    )

    template = MeasureTemplate.objects.first()
    response = _post(client, pm, engagement, {"catalogue-templates": [template.pk]}, url=_catalogue_url(engagement))

    assert response.status_code == 302
    assert _snapshot(engagement) == before


def test_it_shows_no_plan_before_the_mitigation_stage(client, pm, office_a):
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)

    response, content = _get(client, pm, engagement)

    assert response.status_code == 200
    assert "No mitigation plan has been drawn up yet." in content
    assert not MitigationPlan.objects.exists()


def test_it_shows_the_chief_of_mission_the_plan_read_only(client, com, planning, factors):
    add_measure(planning, title="Vetting", targets=[factors[0]])

    response, content = _get(client, com, planning)

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert 'name="measures-TOTAL_FORMS"' not in content


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_forbids_others_to_change_the_plan(client, request, planning, factors, who):
    user = request.getfixturevalue(who)
    measure = add_measure(planning, title="Vetting", targets=[factors[0]])
    before = _snapshot(planning)

    assert _post(client, user, planning, _data(_existing(measure, title="Renamed"), initial=1)).status_code == 403
    template = MeasureTemplate.objects.first()
    assert _post(client, user, planning, {"catalogue-templates": [template.pk]}, url=_catalogue_url(planning)).status_code == 403
    assert _snapshot(planning) == before


def test_it_returns_404_to_the_outsider(client, outsider, planning, factors):
    measure = add_measure(planning, title="Vetting", targets=[factors[0]])
    before = _snapshot(planning)
    client.force_login(outsider)

    assert client.get(_url(planning)).status_code == 404
    assert client.post(_url(planning), _data(_existing(measure, title="Renamed"), initial=1)).status_code == 404
    template = MeasureTemplate.objects.first()
    assert client.post(_catalogue_url(planning), {"catalogue-templates": [template.pk]}).status_code == 404
    assert _snapshot(planning) == before


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("who", ["pm", "com"])
def test_it_runs_a_bounded_number_of_queries(client, request, django_assert_max_num_queries, planning, factors, count, who):
    for index in range(count):
        add_measure(planning, title=f"Measure {index}", targets=factors)
    client.force_login(request.getfixturevalue(who))

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(_url(planning))

    assert response.status_code == 200


def test_reading_the_page_of_a_plan_not_yet_written_writes_nothing(client, pm, planning):
    # Given a plan not yet written (no core measures inherited)
    MitigationPlan.objects.filter(engagement=planning).delete()

    # When the project manager opens the page
    response, content = _get(client, pm, planning)

    # Then the empty plan form is shown, every risk factor uncovered, and nothing is stored until a save
    assert response.status_code == 200
    assert 'name="plan-residual_risk"' in content
    assert [f.measure_count for f in response.context["coverage"]] == [0, 0]
    assert not MitigationPlan.objects.filter(engagement=planning).exists()

    _post(client, pm, planning, _data())
    assert MitigationPlan.objects.filter(engagement=planning).exists()
