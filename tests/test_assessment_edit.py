"""The risk-assessment page (engagements/<pk>/assessment/): the project manager writes the
latest version while the engagement is at the risk-assessment stage, saves drafts, and
submits it for endorsement; everyone else, and every other stage, reads it."""

import re

import pytest
from django.forms import CheckboxInput
from django.urls import reverse

from assessments.models import AssessmentStatus, CitedSource, RiskAssessment, RiskElement, RiskFactor
from hrddp.models import AuditEntry, Engagement, State
from tests.builders import complete_assessment, reload, start_assessment
from tests.factories import EngagementFactory
from tests.pages import outside_record_panels

NOTE = "Ready for your endorsement: every element answered from the 2025 reports."
SOURCE_ROW = {"citation": "OHCHR, annual report on Darvonia (2025)", "reliability": "A",
              "element": RiskElement.COUNTRY_SITUATION, "is_un_source": "on"}


def _url(engagement):
    return reverse("risk_assessment_edit", args=[engagement.pk])


def _page(client, user, engagement):
    client.force_login(user)
    response = client.get(_url(engagement))
    return response, response.content.decode()


def _as_sent(response) -> dict:
    """What the browser sends back for the page's form as it was rendered (nothing changed)."""
    forms = response.context["forms"]
    data = {"revision": str(response.context["revision"])}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else str(value)

    for form in [*forms.elements, forms.final]:
        add(form)
    for formset in (forms.sources, forms.factors):
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def _row(prefix, index, **fields):
    return {f"{prefix}-{index}-{name}": value for name, value in fields.items()}


def _contents(assessment) -> tuple:
    assessment = RiskAssessment.objects.get(pk=assessment.pk)
    return (
        assessment.status, assessment.final_rating, assessment.final_justification,
        sorted(assessment.elements.values_list("element", "narrative", "rating")),
        sorted(assessment.sources.values_list("pk", "citation", "is_un_source", "reliability", "element")),
        sorted(assessment.risk_factors.values_list("pk", "description", "element")),
    )


def _has_edit_form(content) -> bool:
    return 'class="risk-form"' in content


@pytest.fixture
def at_assessment(office_a):
    """An engagement at the risk-assessment stage with an empty draft, version 1."""
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    start_assessment(engagement)
    return engagement


@pytest.fixture
def submitted(office_a):
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    complete_assessment(engagement, status=AssessmentStatus.SUBMITTED)
    return engagement


# --- Reading the form --------------------------------------------------------


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, at_assessment):
    response = client.get(_url(at_assessment))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_owner_every_element_in_a_fieldset_with_its_full_label(client, pm, at_assessment):
    response, content = _page(client, pm, at_assessment)

    assert response.status_code == 200
    legends = re.findall(r'<fieldset class="card risk-element" id="element-[a-z_]+">\s*<legend>([^<]+)</legend>', content)
    expected = [f"{n}. {label}" for n, (_, label) in enumerate(RiskElement.choices, start=1)]
    assert [legend.replace("&#x27;", "'") for legend in legends] == [*expected, "13. Final assessment (P¶14(f))"]
    for value in RiskElement.values:
        assert f'<label for="id_el-{value}-narrative">Findings</label>' in content
        assert f'<label for="id_el-{value}-rating">Rating of this element</label>' in content


def test_it_shows_the_owner_the_final_rating_sources_factors_and_both_buttons(client, pm, at_assessment):
    _, content = _page(client, pm, at_assessment)

    assert "<legend>Risk that the recipient commits grave violations</legend>" in content
    for rating in ("low", "medium", "high"):
        assert f'name="final-final_rating" value="{rating}"' in content
    assert 'name="sources-TOTAL_FORMS" value="3"' in content
    assert 'name="factors-TOTAL_FORMS" value="3"' in content
    assert '<label for="id_sources-0-reliability">Reliability grade</label>' in content
    assert '<label for="id_factors-0-description">Risk factor</label>' in content
    assert 'name="action" value="save"' in content
    assert 'name="action" value="submit"' in content


def test_it_lists_what_is_still_missing_before_submitting(client, pm, at_assessment):
    _, content = _page(client, pm, at_assessment)

    assert "Before it can be submitted" in content
    assert "The risk assessment has no final rating yet." in content
    assert "The risk assessment cites no source." in content


# --- Saving a draft ------------------------------------------------------------


def test_saving_a_draft_keeps_partial_work_and_takes_no_step(client, pm, at_assessment):
    response, _ = _page(client, pm, at_assessment)
    data = _as_sent(response)
    data["el-country_situation-narrative"] = "Curfews and mass arrests in Esse Province since March."
    data["el-country_situation-rating"] = "high"
    data.update(_row("sources", 0, **SOURCE_ROW))
    data.update(_row("factors", 0, description="Reports of extrajudicial killings by unit X",
                     element=RiskElement.COMPLIANCE_RECORD))

    saved = client.post(_url(at_assessment), data)

    assert saved.status_code == 302
    assert saved["Location"] == _url(at_assessment)
    assessment = at_assessment.current_assessment
    assert list(assessment.elements.values_list("element", "narrative", "rating")) == [
        (RiskElement.COUNTRY_SITUATION, "Curfews and mass arrests in Esse Province since March.", "high")
    ]
    assert list(assessment.sources.values_list("citation", "is_un_source", "reliability", "element")) == [
        (SOURCE_ROW["citation"], True, "A", RiskElement.COUNTRY_SITUATION)
    ]
    assert list(assessment.risk_factors.values_list("description", flat=True)) == ["Reports of extrajudicial killings by unit X"]
    assert assessment.status == AssessmentStatus.DRAFT
    assert reload(at_assessment).state == State.ASSESSMENT
    entry = AuditEntry.objects.get()  # the save is on the record; no step was taken
    assert (entry.actor, entry.action, entry.details["version"]) == (pm, "save_risk_assessment", 1)
    assert "Draft of version 1 saved." in client.get(saved["Location"]).content.decode()


def test_a_saved_draft_is_resumed_with_its_rows_and_new_blank_rows(client, pm, at_assessment):
    complete_assessment(at_assessment, sources=["Amnesty International, Darvonia 2025"])

    response, content = _page(client, pm, at_assessment)

    assert "Reviewed: general human-rights and rule-of-law situation in the country." in content
    assert 'name="sources-INITIAL_FORMS" value="1"' in content
    assert 'name="sources-TOTAL_FORMS" value="4"' in content
    assert 'value="Amnesty International, Darvonia 2025"' in content
    assert 'id="id_final-final_rating_2" checked' in content  # medium


def test_resuming_a_draft_changes_and_removes_rows_and_keeps_the_targeted_factor(client, pm, at_assessment):
    complete_assessment(at_assessment, sources=["Source to revise", "Source to remove"])
    kept_factor = RiskFactor.objects.get()
    response, _ = _page(client, pm, at_assessment)
    data = _as_sent(response)
    data["sources-0-citation"] = "Source revised"
    data["sources-1-DELETE"] = "on"
    data.update(_row("factors", 1, description="Law allowing indefinite detention at crossing Y"))

    assert client.post(_url(at_assessment), data).status_code == 302

    assert list(CitedSource.objects.values_list("citation", flat=True)) == ["Source revised"]
    assert sorted(RiskFactor.objects.values_list("pk", "description")) == [
        (kept_factor.pk, kept_factor.description),
        (kept_factor.pk + 1, "Law allowing indefinite detention at crossing Y"),
    ]


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        (_row("sources", 0, citation="", reliability="B"), "id_sources-0-citation", "Citation: This field is required."),
        (_row("sources", 0, citation="UNHCR note", reliability="G"), "id_sources-0-reliability", "Reliability grade: Select a valid choice."),
        (_row("factors", 0, description="", element=RiskElement.DEATH_PENALTY), "id_factors-0-description", "Risk factor: This field is required."),
        ({"el-death_penalty-rating": "severe"}, "id_el-death_penalty-rating", "Rating of this element: Select a valid choice."),
        ({"final-final_rating": "extreme"}, "id_final-final_rating_0", "Risk that the recipient commits grave violations: Select a valid choice."),
    ],
    ids=["source-without-citation", "reliability-outside-A-F", "factor-without-description", "element-rating", "final-rating"],
)
def test_bad_input_rerenders_400_with_errors_linked_to_the_fields_and_changes_nothing(
    client, pm, at_assessment, change, field_id, message
):
    complete_assessment(at_assessment)
    before = _contents(at_assessment.current_assessment)
    response, _ = _page(client, pm, at_assessment)
    data = _as_sent(response)
    data["el-un_influence-narrative"] = "A paragraph the project manager typed and must not lose."
    data.update(change)

    response = client.post(_url(at_assessment), data)
    content = response.content.decode()

    assert response.status_code == 400
    assert "There is a problem: nothing was saved" in content
    assert re.search(rf'<li><a href="#{field_id}">[^<]*{re.escape(message)}', content.replace("&#x27;", "'")), content
    assert f'id="{field_id}"' in content
    assert 'class="field-error"' in content
    assert "A paragraph the project manager typed and must not lose." in content
    assert _contents(at_assessment.current_assessment) == before


def test_an_invalid_field_is_marked_invalid_and_described_by_its_error(client, pm, at_assessment):
    response, _ = _page(client, pm, at_assessment)
    data = {**_as_sent(response), **_row("sources", 0, citation="", reliability="B")}

    content = client.post(_url(at_assessment), data).content.decode()

    assert re.search(r'<input type="text" name="sources-0-citation"[^>]*aria-invalid="true"', content)
    assert 'aria-describedby="id_sources-0-citation_error"' in content
    assert '<span class="field-error" id="id_sources-0-citation_error">' in content


def test_a_row_from_another_engagement_is_refused_and_nothing_changes(client, pm, office_a, at_assessment):
    other = complete_assessment(EngagementFactory(office=office_a, state=State.ASSESSMENT))
    foreign = other.sources.get()
    before = _contents(other)
    response, _ = _page(client, pm, at_assessment)
    data = _as_sent(response)
    data.update(_row("sources", 0, id=str(foreign.pk), citation="Hijacked", reliability="F"))

    response = client.post(_url(at_assessment), data)

    assert response.status_code == 400
    assert "no longer part of the assessment" in response.content.decode()
    assert _contents(other) == before
    assert not at_assessment.current_assessment.sources.exists()


def test_a_page_loaded_before_the_engagement_took_a_step_is_refused_409_and_keeps_the_text(client, pm, at_assessment):
    response, _ = _page(client, pm, at_assessment)
    data = {**_as_sent(response), "el-death_penalty-narrative": "Typed on a stale page."}
    Engagement.objects.filter(pk=at_assessment.pk).update(revision=7)

    response = client.post(_url(at_assessment), data)

    assert response.status_code == 409
    assert "changed meanwhile" in response.content.decode()
    assert "Typed on a stale page." in response.content.decode()
    assert not at_assessment.current_assessment.elements.exists()


# --- Submitting ------------------------------------------------------------------


def test_submitting_an_incomplete_assessment_is_refused_with_the_reasons_and_keeps_the_draft(client, pm, at_assessment):
    response, _ = _page(client, pm, at_assessment)
    data = _as_sent(response)
    data["el-country_situation-narrative"] = "Curfews and mass arrests."
    data.update(_row("sources", 0, **SOURCE_ROW))
    data.update({"action": "submit", "final-submit_note": NOTE})

    response = client.post(_url(at_assessment), data)
    content = response.content.decode()

    assert response.status_code == 400
    assert "Your draft was saved, but it cannot be submitted yet" in content
    assert "The risk assessment has no final rating yet." in content
    assert "The risk assessment leaves 10 element(s) unanswered" in content
    assert "The risks of not providing support have not been considered." in content
    assessment = at_assessment.current_assessment
    assert assessment.status == AssessmentStatus.DRAFT
    assert list(assessment.elements.values_list("narrative", flat=True)) == ["Curfews and mass arrests."]
    assert assessment.sources.count() == 1
    assert 'name="sources-INITIAL_FORMS" value="1"' in content  # the saved row comes back with its id
    assert NOTE in content
    assert reload(at_assessment).state == State.ASSESSMENT
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["save_risk_assessment"]


def test_submitting_without_a_note_is_refused_with_a_field_error_and_saves_nothing(client, pm, at_assessment):
    response, _ = _page(client, pm, at_assessment)
    data = {**_as_sent(response), "el-death_penalty-narrative": "Abolished in 2019.", "action": "submit"}

    response = client.post(_url(at_assessment), data)

    assert response.status_code == 400
    assert '<a href="#id_final-submit_note">Note to the Chief of Mission: Say why the assessment is ready' in response.content.decode()
    assert not at_assessment.current_assessment.elements.exists()


def test_submitting_a_complete_assessment_moves_it_to_endorsement_and_writes_the_audit_entry(client, pm, at_assessment):
    complete_assessment(at_assessment)
    response, _ = _page(client, pm, at_assessment)
    data = {**_as_sent(response), "action": "submit", "final-submit_note": NOTE}

    response = client.post(_url(at_assessment), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("risk_assessment_version", args=[at_assessment.pk, 1])
    engagement = reload(at_assessment)
    assert (engagement.state, engagement.revision) == (State.ENDORSEMENT, 1)
    assessment = engagement.current_assessment
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submitted_at is not None
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "save_risk_assessment", "submit_assessment",
    ]
    entry = AuditEntry.objects.get(action="submit_assessment")
    assert (entry.engagement_id, entry.actor, entry.action) == (engagement.pk, pm, "submit_assessment")
    assert (entry.from_state, entry.to_state, entry.justification) == (State.ASSESSMENT, State.ENDORSEMENT, NOTE)
    assert "Version 1 submitted to the Chief of Mission" in client.get(response["Location"]).content.decode()


def test_the_project_manager_sees_the_chief_of_missions_comments_on_a_returned_draft(client, pm, com, at_assessment):
    assessment = complete_assessment(at_assessment)
    assessment.mark_returned(by=com, comments="Element 11 needs the views of the women's groups.")

    _, content = _page(client, pm, at_assessment)

    assert "Returned by" in content
    assert "Element 11 needs the views of the women&#x27;s groups." in content
    assert _has_edit_form(content)


# --- Read-only: other stages, other roles ----------------------------------------


def test_a_submitted_version_is_read_only_for_the_project_manager(client, pm, submitted):
    response, content = _page(client, pm, submitted)

    assert response.status_code == 200
    assert not _has_edit_form(content)
    assert "Reviewed: general human-rights and rule-of-law situation in the country." in content
    assert "awaits the Chief of Mission" in content


@pytest.mark.parametrize("status", [AssessmentStatus.SUBMITTED, AssessmentStatus.ENDORSED, AssessmentStatus.DECLINED])
def test_posting_to_a_version_that_is_no_longer_a_draft_is_refused_and_changes_nothing(
    client, pm, at_assessment, status
):
    assessment = complete_assessment(at_assessment)
    response, _ = _page(client, pm, at_assessment)
    data = {**_as_sent(response), "final-final_rating": "low", "el-death_penalty-narrative": "Rewritten afterwards."}
    RiskAssessment.objects.filter(pk=assessment.pk).update(status=status)
    before = _contents(assessment)

    response = client.post(_url(at_assessment), data)

    assert response.status_code == 409
    content = response.content.decode()
    assert "can no longer be changed" in content
    assert "Rewritten afterwards." in content  # kept so that nothing typed is lost
    assert 'name="action"' not in content
    assert _contents(assessment) == before


def test_it_explains_when_no_risk_assessment_has_been_started(client, pm, office_a):
    engagement = EngagementFactory(office=office_a, state=State.COORDINATION)

    response, content = _page(client, pm, engagement)
    refused = client.post(_url(engagement), {"action": "save"})

    assert response.status_code == 200
    assert "No risk assessment has been started" in content
    assert refused.status_code == 409
    assert not RiskAssessment.objects.exists()


def test_the_chief_of_mission_reads_the_draft_and_may_not_post_to_it(client, com, at_assessment):
    complete_assessment(at_assessment)
    before = _contents(at_assessment.current_assessment)

    response, content = _page(client, com, at_assessment)
    posted = client.post(_url(at_assessment), {"final-final_rating": "low"})

    assert response.status_code == 200
    assert not _has_edit_form(content)
    assert "The project manager is writing version 1" in content
    assert posted.status_code == 403
    assert _contents(at_assessment.current_assessment) == before


@pytest.mark.parametrize("user", ["hq", "auditor"])
def test_hq_and_the_auditor_read_it_without_any_form_and_may_not_post(client, at_assessment, user, request):
    reader = request.getfixturevalue(user)
    complete_assessment(at_assessment)
    before = _contents(at_assessment.current_assessment)

    response, content = _page(client, reader, at_assessment)
    posted = client.post(_url(at_assessment), {"final-final_rating": "low", "action": "submit"})

    assert response.status_code == 200
    assert "Reviewed: specific risks for under-represented groups." in content
    assert "<form" not in outside_record_panels(content).split('<main id="main">')[1]
    assert posted.status_code == 403
    assert _contents(at_assessment.current_assessment) == before
    assert reload(at_assessment).state == State.ASSESSMENT


def test_it_returns_404_for_another_offices_engagement(client, outsider, at_assessment):
    complete_assessment(at_assessment)
    before = _contents(at_assessment.current_assessment)

    response, content = _page(client, outsider, at_assessment)
    posted = client.post(_url(at_assessment), {"final-final_rating": "low"})

    assert response.status_code == 404
    assert at_assessment.title not in content
    assert posted.status_code == 404
    assert _contents(at_assessment.current_assessment) == before


# --- Bounded queries ---------------------------------------------------------------

# The same bound whatever the number of rows (a cold content-type cache costs two more).
MAX_QUERIES_FORM = 22  # 15, the header's unread count, and 6 for the register's record beside element 2 (empty here)
MAX_QUERIES_SAVE = 25


@pytest.mark.parametrize("count", [3, 30])
def test_the_form_takes_as_many_queries_with_30_sources_and_factors_as_with_3(
    client, pm, at_assessment, count, django_assert_max_num_queries
):
    assessment = at_assessment.current_assessment
    CitedSource.objects.bulk_create(CitedSource(assessment=assessment, citation=f"Report {n}", reliability="B") for n in range(count))
    RiskFactor.objects.bulk_create(RiskFactor(assessment=assessment, description=f"Factor {n}") for n in range(count))
    client.force_login(pm)

    with django_assert_max_num_queries(MAX_QUERIES_FORM):
        response = client.get(_url(at_assessment))

    assert response.status_code == 200
    assert f'name="sources-INITIAL_FORMS" value="{count}"' in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_saving_takes_as_many_queries_with_30_sources_and_factors_as_with_3(
    client, pm, at_assessment, count, django_assert_max_num_queries
):
    assessment = at_assessment.current_assessment
    CitedSource.objects.bulk_create(CitedSource(assessment=assessment, citation=f"Report {n}", reliability="B") for n in range(count))
    RiskFactor.objects.bulk_create(RiskFactor(assessment=assessment, description=f"Factor {n}") for n in range(count))
    response, _ = _page(client, pm, at_assessment)
    data = _as_sent(response)
    for n in range(count):
        data[f"sources-{n}-reliability"] = "C"
        data[f"factors-{n}-description"] = f"Factor {n}, revised"
    data.update(_row("sources", count, citation="One more report", reliability="D"))

    with django_assert_max_num_queries(MAX_QUERIES_SAVE):
        response = client.post(_url(at_assessment), data)

    assert response.status_code == 302
    assert set(assessment.sources.values_list("reliability", flat=True)) == {"C", "D"}
    assert assessment.sources.count() == count + 1
