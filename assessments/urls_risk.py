"""Action 4, the risk assessment, under engagements/<pk>/ (see config/urls.py)."""

from django.urls import path

from assessments import views_risk

urlpatterns = [
    path("assessment/", views_risk.assessment_edit, name="risk_assessment_edit"),
    path("assessment/versions/", views_risk.assessment_versions, name="risk_assessment_versions"),
    path("assessment/v<int:version>/", views_risk.assessment_version, name="risk_assessment_version"),
]
