"""What the intervention case keeps: corrective measures, the P¶28 flag, the PDF record;
who may read and write it; and the page's bounded queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from hrddp.models import AuditEntry
from interventions.cases import case_set_course, case_set_suspension_evaluation
from interventions.models import InterventionCase
from mitigation.models import MitigationMeasure
from tests.builders import SUSPENSION_RISKS, engagement_ready_for, grave_incident, take


@pytest.fixture
def interceding(office_a):
    return engagement_ready_for("record_course_of_action", office=office_a)


@pytest.fixture
def case(interceding):
    return InterventionCase.objects.get(engagement=interceding)


def _urls(case):
    e, c = case.engagement_id, case.pk
    return {
        "current": reverse("case_current", args=[e]), "detail": reverse("case_detail", args=[e, c]),
        "pdf": reverse("case_pdf", args=[e, c]),
    }


def _post_urls(case):
    e, c = case.engagement_id, case.pk
    return {
        reverse("case_report", args=[e, c]): {"report": "Changed", "incidents": [i.pk for i in case.incidents.all()]},
        reverse("case_course", args=[e, c]): {"report_to_oversight": "on", "measure_type": "accountability"},
        reverse("case_suspension", args=[e, c]): {"evaluation": SUSPENSION_RISKS},
        reverse("case_skip", args=[e, c]): {"reason": "No use"},
    }


def test_strengthening_mitigation_adds_each_corrective_measure_to_the_plan(case, com):
    # When the Chief of Mission chooses to strengthen mitigation with two measures (one listed twice)
    case_set_course(
        case=case, by=com, strengthen_mitigation=True, report_to_oversight=False, communicate_with_focal_point=True,
        exclude_individuals_or_units=False, course_notes="",
        corrective_measures=["Human-rights refresher for Kael unit", "Joint checkpoint patrols", "Joint checkpoint patrols"],
    )

    # Then each is in the plan once, corrective and planned, and the decision is audited
    measures = MitigationMeasure.objects.filter(plan__engagement=case.engagement, nature="corrective")
    assert sorted(measures.values_list("title", "status")) == [
        ("Human-rights refresher for Kael unit", "planned"), ("Joint checkpoint patrols", "planned"),
    ]
    entry = AuditEntry.objects.get(engagement=case.engagement, action="set_course")
    assert entry.actor == com and sorted(entry.details["corrective_measures"]) == sorted(measures.values_list("pk", flat=True))


def test_corrective_measures_without_strengthening_mitigation_are_refused(client, case, com):
    # When the Chief of Mission lists measures but does not tick strengthening mitigation
    client.force_login(com)
    response = client.post(
        reverse("case_course", args=[case.engagement_id, case.pk]),
        {"report_to_oversight": "on", "corrective_measures": "Joint patrols", "measure_type": "accountability"},
    )

    # Then nothing is created and the measures typed are kept on the form
    assert response.status_code == 400
    assert "Joint patrols" in response.content.decode()
    assert not MitigationMeasure.objects.filter(plan__engagement=case.engagement, nature="corrective").exists()


def test_the_mandate_flag_shows_that_the_governing_body_must_be_advised(client, case, com, pm):
    # Given the Chief of Mission flags that suspending critically affects the mandate
    client.force_login(com)
    response = client.post(
        reverse("case_suspension", args=[case.engagement_id, case.pk]),
        {"evaluation": SUSPENSION_RISKS, "mandate_critically_affected": "on"},
    )
    assert response.status_code == 302

    # When the project manager reads the case
    client.force_login(pm)
    page = client.get(_urls(case)["current"]).content.decode()

    # Then the P¶28 notice is shown, and the decision is audited
    assert "P¶28: the governing body must be advised" in page
    assert AuditEntry.objects.get(action="set_suspension_evaluation").details["mandate_critically_affected"] is True


def test_the_pdf_record_holds_the_report_the_course_of_action_and_the_result(client, office_a, com, pm):
    # Given a case resolved with Result A
    engagement = engagement_ready_for("record_course_of_action", office=office_a)
    case = InterventionCase.objects.get(engagement=engagement)
    case_set_course(
        case=case, by=com, strengthen_mitigation=False, report_to_oversight=True, communicate_with_focal_point=False,
        exclude_individuals_or_units=False, course_notes="Refer to the national human-rights commission.",
        corrective_measures=[],
    )
    take(engagement, "record_course_of_action", com)
    take(engagement, "resolve", com, "Officers suspended and prosecuted.")

    # When the project manager downloads the record
    client.force_login(pm)
    response = client.get(_urls(case)["pdf"])

    # Then it is one PDF with the report, the course of action and the result
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Report to the Chief of Mission on the incidents." in text
    assert "Report to an oversight or accountability body" in text
    assert "Refer to the national human-rights commission." in text
    assert "Result A: violations adequately addressed" in text
    assert "Officers suspended and prosecuted." in text


def test_the_project_manager_may_update_the_report_but_gets_403_on_the_chief_of_missions_forms(client, case, pm):
    client.force_login(pm)
    posts = _post_urls(case)
    report_url = reverse("case_report", args=[case.engagement_id, case.pk])
    # When the PM posts the report, it is saved and audited
    assert client.post(report_url, posts.pop(report_url)).status_code == 302
    assert InterventionCase.objects.get(pk=case.pk).report == "Changed"
    assert AuditEntry.objects.filter(action="update_case_report").exists()
    # When the PM posts a Chief of Mission's form, it is forbidden and nothing is written
    before = AuditEntry.objects.count()
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert AuditEntry.objects.count() == before


def test_an_outsider_gets_404_on_every_page_of_the_case(client, case, outsider, com_b):
    for user in (outsider, com_b):
        client.force_login(user)
        for url in _urls(case).values():
            assert client.get(url).status_code == 404, url
        for url, data in _post_urls(case).items():
            assert client.post(url, data).status_code == 404, url


def test_hq_and_the_auditor_read_the_case_but_may_not_write_it(client, case, hq, auditor):
    before = AuditEntry.objects.count()
    for user in (hq, auditor):
        client.force_login(user)
        response = client.get(_urls(case)["current"])
        assert response.status_code == 200
        assert "Report to the Chief of Mission on the incidents." in response.content.decode()
        assert "Save the course of action" not in response.content.decode()
        assert client.get(_urls(case)["pdf"]).status_code == 200
        for url, data in _post_urls(case).items():
            assert client.post(url, data).status_code == 403, url
    assert AuditEntry.objects.count() == before


def test_a_case_of_another_engagement_is_not_found_under_this_one(client, office_a, case, com):
    other = engagement_ready_for("record_course_of_action", office=office_a)
    client.force_login(com)
    assert client.get(reverse("case_detail", args=[other.pk, case.pk])).status_code == 404


def test_the_case_page_runs_the_same_number_of_queries_however_long_the_case(client, office_a, com):
    def queries_for(extra_incidents):
        engagement = engagement_ready_for("open_intercession", office=office_a)
        for _ in range(extra_incidents):
            grave_incident(engagement)
        take(engagement, "open_intercession", com)
        case = InterventionCase.objects.get(engagement=engagement)
        for n in range(extra_incidents + 1):
            case_set_suspension_evaluation(case=case, by=com, evaluation=f"Evaluation {n}", mandate_critically_affected=False)
        client.force_login(com)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("case_current", args=[engagement.pk])).status_code == 200
        return len(queries)

    # Given a short case and a long one, the page costs the same
    assert queries_for(0) == queries_for(4)


def test_the_page_and_the_pdf_show_a_dispatched_letter_and_the_intercession_made(client, case, com):
    # Given an intercession letter issued and dispatched, and a communication with the focal point
    from datetime import timedelta

    from django.utils import timezone

    from interventions.models import Letter, LetterKind
    from tests.builders import intercession_made

    Letter.objects.create(
        engagement=case.engagement, kind=LetterKind.INTERCESSION, reference="AAA/L/077", addressee="The Minister",
        subject="Intercession", body="The killings.", signatory=com, issued_at=timezone.now(), issued_by=com,
        letter_date=timezone.localdate(), dispatched_on=timezone.localdate(), dispatch_channel="Hand delivery",
    )
    intercession_made(case, on=timezone.localdate() - timedelta(days=1), by=com)
    client.force_login(com)

    # Then the page shows the dispatch on its timeline and the intercession on its checklist, and so does the PDF
    page = client.get(reverse("case_detail", args=[case.engagement_id, case.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Letter AAA/L/077 dispatched" in content and "Intercession brought to the authorities (P¶26)" in content
    pdf = client.get(reverse("case_pdf", args=[case.engagement_id, case.pk]))
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "AAA/L/077" in text and "Col. Anna Reyes" in text and "In the policy's order" in text
