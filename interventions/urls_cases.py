"""The intervention cases of one engagement; included under engagements/<int:pk>/ (pk is the engagement)."""

from django.urls import path

from interventions import views_cases

urlpatterns = [
    path("intervention/", views_cases.case_current, name="case_current"),
    path("intervention/<int:case_pk>/", views_cases.case_detail, name="case_detail"),
    path("intervention/<int:case_pk>.pdf", views_cases.case_pdf, name="case_pdf"),
    path("intervention/<int:case_pk>/report/", views_cases.case_report, name="case_report"),
    path("intervention/<int:case_pk>/course/", views_cases.case_course, name="case_course"),
    path("intervention/<int:case_pk>/suspension/", views_cases.case_suspension, name="case_suspension"),
    path(
        "intervention/<int:case_pk>/intercession-made/", views_cases.case_communication, name="case_communication"
    ),
    path("intervention/<int:case_pk>/skip-suspension/", views_cases.case_skip, name="case_skip"),
    path("intervention/<int:case_pk>/reports/", views_cases.case_critical_report, name="case_critical_report"),
    path(
        "intervention/<int:case_pk>/reports/<int:report_pk>.pdf", views_cases.critical_report_pdf,
        name="critical_report_pdf",
    ),
    path("intervention/<int:case_pk>/mandate/", views_cases.case_mandate, name="case_mandate"),
    path("intervention/<int:case_pk>/governing-body/", views_cases.case_governing_body, name="case_governing_body"),
]
