"""The versions of the risk assessment: the list (engagements/<pk>/assessment/versions/) and one
version read-only (engagements/<pk>/assessment/v<n>/). A reassessment is a new version; earlier
versions stay readable and exactly as they were."""

import pytest
from django.forms import CheckboxInput
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentStatus, CitedSource, RiskAssessment, RiskFactor
from hrddp.models import State
from tests.builders import (
    complete_assessment,
    engagement_ready_for,
    new_assessment_version,
    reload,
    start_assessment,
    take,
)
from tests.factories import EngagementFactory
from tests.pages import outside_record_panels


def _list_url(engagement):
    return reverse("risk_assessment_versions", args=[engagement.pk])


def _url(engagement, version=1):
    return reverse("risk_assessment_version", args=[engagement.pk, version])


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def _contents(assessment) -> tuple:
    assessment = RiskAssessment.objects.get(pk=assessment.pk)
    return (
        assessment.status, assessment.final_rating, assessment.final_justification, assessment.decided_by_id,
        sorted(assessment.elements.values_list("element", "narrative", "rating")),
        sorted(assessment.sources.values_list("citation", "is_un_source", "reliability", "element")),
        sorted(assessment.risk_factors.values_list("description", "element")),
    )


@pytest.fixture
def endorsed(office_a, com):
    """An engagement at mitigation whose version 1 the Chief of Mission endorsed."""
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    assessment = complete_assessment(engagement, rating="high", sources=["UN panel of experts, Darvonia (2025)"])
    CitedSource.objects.create(
        assessment=assessment, citation="Local NGO press release", reliability="D", is_un_source=False,
    )
    assessment.submitted_at = timezone.now()
    assessment.review_comments = "Keep an eye on the border unit."
    assessment.save()
    assessment.mark_endorsed(by=com)
    return engagement


# --- The list ---------------------------------------------------------------------


def test_the_list_shows_every_version_latest_first_with_status_rating_and_decision(client, pm, com, endorsed):
    draft = new_assessment_version(endorsed)

    response, content = _get(client, pm, _list_url(endorsed))

    assert response.status_code == 200
    assert [v.version for v in response.context["versions"]] == [2, 1]
    assert f'<a href="{_url(endorsed, 2)}">Version 2</a>' in content
    assert f'<a href="{_url(endorsed, 1)}">Version 1</a>' in content
    assert '<td data-label="Status">Endorsed</td>' in content
    assert '<td data-label="Final rating">High</td>' in content
    assert f'<td data-label="Decided by">{com}</td>' in content
    assert draft.get_status_display() in content


def test_the_list_marks_a_draft_that_was_returned(client, pm, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    complete_assessment(engagement).mark_returned(by=com, comments="Cite the OHCHR report.")

    _, content = _get(client, pm, _list_url(engagement))

    assert '<td data-label="Status">Draft <span class="hint">(returned)</span></td>' in content


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_takes_as_many_queries_with_12_versions_as_with_2(
    client, pm, office_a, count, django_assert_max_num_queries
):
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    for _ in range(count):
        new_assessment_version(engagement, by=pm)
    client.force_login(pm)

    with django_assert_max_num_queries(10):
        response = client.get(_list_url(engagement))

    assert len(response.context["versions"]) == count


# --- One version --------------------------------------------------------------------


def test_a_version_shows_its_elements_sources_with_grades_factors_rating_and_review(client, pm, com, endorsed):
    response, content = _get(client, pm, _url(endorsed))

    assert response.status_code == 200
    assert "Reviewed: general human-rights and rule-of-law situation in the country." in content
    assert "Reviewed: specific risks for under-represented groups." in content
    assert "UN panel of experts, Darvonia (2025)" in content
    assert "Reliability A — completely reliable" in content
    assert '<span class="tag">UN source</span>' in content
    assert "Local NGO press release" in content
    assert "Reliability D — not usually reliable" in content
    assert "<td>Excessive use of force during crowd control (2024 reports)</td>" in content
    assert '<span class="rating rating-high">High risk</span>' in content
    assert "Credible reports, some corrective steps" in content
    assert "Keep an eye on the border unit." in content
    assert f"<dt>Endorsed by</dt>\n      <dd>{com}, <time" in content


def test_a_version_has_no_form_of_its_own(client, pm, endorsed):
    _, content = _get(client, pm, _url(endorsed))

    assert "<form" not in outside_record_panels(content).split('<main id="main">')[1]


def test_a_reassessment_creates_version_2_and_version_1_stays_readable_and_unchanged(client, pm, office_a):
    engagement = engagement_ready_for("start_reassessment", office=office_a)
    version_1 = engagement.current_assessment
    before = _contents(version_1)
    v1_page = _get(client, pm, _url(engagement, 1))[1]

    take(engagement, "start_reassessment", pm, justification="Yearly reassessment (project longer than a year).")
    edit = client.get(reverse("risk_assessment_edit", args=[engagement.pk]))
    assert edit.context["assessment"].version == 2
    data = _sent(edit)
    data["el-country_situation-narrative"] = "Since June, mass arrests of traders at the North-East crossing."
    data["final-final_rating"] = "high"
    data["sources-0-DELETE"] = "on"
    saved = client.post(reverse("risk_assessment_edit", args=[engagement.pk]), data)

    assert saved.status_code == 302
    version_2 = reload(engagement).current_assessment
    assert (version_2.version, version_2.status, version_2.final_rating) == (2, AssessmentStatus.DRAFT, "high")
    assert not version_2.sources.exists()
    assert _contents(version_1) == before
    response, content = _get(client, pm, _url(engagement, 1))
    assert response.status_code == 200
    assert "Since June, mass arrests" not in content
    assert "Reviewed: general human-rights and rule-of-law situation in the country." in content
    assert "This is an earlier version, kept exactly as it was endorsed." in content
    assert content.count("OHCHR, country report (2025)") == v1_page.count("OHCHR, country report (2025)") > 0
    assert "Since June, mass arrests" in _get(client, pm, _url(engagement, 2))[1]


def test_the_steps_taken_on_a_version_are_listed_with_it(client, pm, com, office_a):
    engagement = engagement_ready_for("submit_assessment", office=office_a)
    take(engagement, "submit_assessment", pm, justification="Complete; please endorse.")
    take(engagement, "return_assessment", com, justification="Add the 2025 OHCHR report.")

    _, content = _get(client, pm, _url(engagement))

    assert "Submit the assessment for endorsement" in content
    assert "Complete; please endorse." in content
    assert "Add the 2025 OHCHR report." in content


def test_the_latest_draft_links_to_the_form_for_the_project_manager_only(client, pm, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    start_assessment(engagement)
    edit_url = reverse("risk_assessment_edit", args=[engagement.pk])

    assert f'href="{edit_url}">Continue writing this draft' in _get(client, pm, _url(engagement))[1]
    assert "Continue writing this draft" not in _get(client, com, _url(engagement))[1]


def test_an_unknown_version_is_not_found(client, pm, endorsed):
    assert _get(client, pm, _url(endorsed, 9))[0].status_code == 404


@pytest.mark.parametrize("user", ["hq", "auditor"])
def test_hq_and_the_auditor_read_every_version_without_any_form(client, endorsed, user, request):
    reader = request.getfixturevalue(user)

    for url in (_url(endorsed), _list_url(endorsed)):
        response, content = _get(client, reader, url)
        assert response.status_code == 200
        assert "<form" not in outside_record_panels(content).split('<main id="main">')[1]
        assert client.post(url, {}).status_code == 405


def test_it_returns_404_for_another_offices_engagement(client, outsider, endorsed):
    for url in (_url(endorsed), _list_url(endorsed)):
        response, content = _get(client, outsider, url)
        assert response.status_code == 404
        assert endorsed.title not in content


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, endorsed):
    for url in (_url(endorsed), _list_url(endorsed)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("count", [3, 30])
def test_a_version_takes_as_many_queries_with_30_sources_and_factors_as_with_3(
    client, com, office_a, count, django_assert_max_num_queries
):
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    assessment = complete_assessment(engagement, status=AssessmentStatus.SUBMITTED, sources=[], factors=[])
    CitedSource.objects.bulk_create(
        CitedSource(assessment=assessment, citation=f"Report {n}", reliability="B", element="death_penalty")
        for n in range(count)
    )
    RiskFactor.objects.bulk_create(RiskFactor(assessment=assessment, description=f"Factor {n}") for n in range(count))
    client.force_login(com)

    # The review steps' conditions run their own queries, the register's rules on commanders among them; the
    # version's evidence files and discussion three more (the sources offered for a file, the files, the comments).
    with django_assert_max_num_queries(24):
        response = client.get(_url(engagement))

    assert response.status_code == 200
    assert response.context["reading"]["source_count"] == count


def _sent(response) -> dict:
    """What the browser sends back for the edit page's form as rendered."""
    forms = response.context["forms"]
    data = {"revision": str(response.context["revision"])}
    all_forms = [*forms.elements, forms.final]
    for formset in (forms.sources, forms.factors):
        all_forms += [formset.management_form, *formset.forms]
    for form in all_forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else str(value)
    return data
