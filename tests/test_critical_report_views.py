"""The intervention case page's report to the decision makers (P¶25): the form, the list, the PDF of each
report and of the case record; who may write and read them; the page's bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp.models import AuditEntry, Notification
from interventions.critical_reports import critical_report_write
from interventions.models import CriticalDifficultyReport, InterventionCase
from tests.builders import engagement_ready_for
from tests.pages import pdf_text

FORM = {
    "circumstances": "Detainees from the Kael checkpoint report beatings.",
    "measures": "Joint patrols suspended; the commander asked to explain.",
    "recommendations": "Intercede with the Ministry within a week.",
    "elements": ["compliance_record", "accountability_record"],
}


@pytest.fixture
def case(office_a):
    return InterventionCase.objects.get(engagement=engagement_ready_for("record_course_of_action", office=office_a))


def _post_url(case):
    return reverse("case_critical_report", args=[case.engagement_id, case.pk])


def _write(case, pm, **changes):
    data = {k: v for k, v in FORM.items()} | changes
    return critical_report_write(by=pm, case=case, **data)


def test_the_project_manager_sees_the_form_and_sending_it_lists_the_report_with_its_pdf(client, case, pm, com, hq):
    client.force_login(pm)
    page_url = reverse("case_detail", args=[case.engagement_id, case.pk])

    # Given the case page shows the section and its form
    page = client.get(page_url).content.decode()
    assert "Report to the decision makers (P¶25)" in page and "Send to the Chief of Mission and HQ" in page

    # When the project manager sends the report
    response = client.post(_post_url(case), FORM)

    # Then it is kept, sent and shown with a link to its PDF
    assert response.status_code == 302
    report = CriticalDifficultyReport.objects.get()
    assert Notification.objects.filter(dedupe_key__startswith=f"critical-report:{report.pk}:").count() == 2
    page = client.get(page_url).content.decode()
    assert FORM["recommendations"] in page
    assert reverse("critical_report_pdf", args=[case.engagement_id, case.pk, report.pk]) in page


def test_a_report_missing_its_parts_shows_every_error_at_once_and_keeps_what_was_typed(client, case, pm):
    # When the project manager sends only the circumstances
    client.force_login(pm)
    response = client.post(_post_url(case), {"circumstances": FORM["circumstances"], "elements": ["bogus"]})

    # Then the page says what is missing in each field, keeps the text, and writes nothing
    assert response.status_code == 400
    page = response.content.decode()
    assert FORM["circumstances"] in page
    assert page.count('class="field-error"') >= 3
    assert not CriticalDifficultyReport.objects.exists()


def test_the_pdf_holds_the_circumstances_the_measures_and_the_recommendations(client, case, pm, com):
    # Given a report
    report = _write(case, pm)

    # When the Chief of Mission opens its PDF
    client.force_login(com)
    response = client.get(reverse("critical_report_pdf", args=[case.engagement_id, case.pk, report.pk]))

    # Then it is a PDF with its three parts and the elements concerned
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for part in ("circumstances", "measures", "recommendations"):
        assert FORM[part] in text, part
    assert "Record in holding perpetrators accountable" in text


def test_the_case_record_pdf_includes_the_reports(client, case, pm):
    # Given a report, the whole case record carries it
    _write(case, pm)
    client.force_login(pm)
    text = pdf_text(client.get(reverse("case_pdf", args=[case.engagement_id, case.pk])).content)
    assert "Reports to the decision makers (P¶25)" in text and FORM["measures"] in text


def test_an_outsider_gets_404_on_the_form_and_the_pdf(client, case, pm, outsider, com_b):
    report = _write(case, pm)
    for user in (outsider, com_b):
        client.force_login(user)
        assert client.post(_post_url(case), FORM).status_code == 404
        assert client.get(reverse("critical_report_pdf", args=[case.engagement_id, case.pk, report.pk])).status_code == 404
    assert CriticalDifficultyReport.objects.count() == 1


def test_a_report_of_another_case_is_not_found_under_this_one(client, office_a, case, pm):
    other = InterventionCase.objects.get(engagement=engagement_ready_for("record_course_of_action", office=office_a))
    report = _write(other, pm)
    client.force_login(pm)
    assert client.get(reverse("critical_report_pdf", args=[case.engagement_id, case.pk, report.pk])).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "hq", "com"])
def test_a_role_that_does_not_write_the_report_gets_403_and_nothing_is_written(client, case, request, who):
    # When someone who may read the case but not write the report posts it
    client.force_login(request.getfixturevalue(who))
    before = AuditEntry.objects.count()
    assert client.post(_post_url(case), FORM).status_code == 403

    # Then nothing is written, and the page offers no form
    assert not CriticalDifficultyReport.objects.exists() and AuditEntry.objects.count() == before
    page = client.get(reverse("case_detail", args=[case.engagement_id, case.pk])).content.decode()
    assert "Send to the Chief of Mission and HQ" not in page


def test_get_on_the_report_address_writes_nothing(client, case, pm):
    client.force_login(pm)
    assert client.get(_post_url(case)).status_code == 405
    assert not CriticalDifficultyReport.objects.exists()


def test_the_case_page_costs_the_same_queries_with_one_report_and_with_five(client, office_a, pm):
    def queries_for(reports):
        case = InterventionCase.objects.get(engagement=engagement_ready_for("record_course_of_action", office=office_a))
        for n in range(reports):
            _write(case, pm, circumstances=f"Report {n}")
        client.force_login(pm)
        url = reverse("case_detail", args=[case.engagement_id, case.pk])
        client.get(url)  # the process-wide caches (content types of the grants) are filled once, not per report
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200 and "Report 0" in page.content.decode()
        return len(queries)

    # Given a case with one report and one with five, the page costs the same
    assert queries_for(1) == queries_for(5)
