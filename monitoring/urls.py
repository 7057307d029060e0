"""Incidents of one engagement (Action 6); included under engagements/<int:pk>/ (pk is the engagement)."""

from django.urls import path

from monitoring import views

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/export.csv", views.incident_export, name="incident_export"),
    path("incidents/confidential-access/", views.incident_confidential_access, name="incident_confidential_access"),
    path(
        "incidents/confidential-access/<int:user_pk>/revoke/",
        views.incident_confidential_revoke, name="incident_confidential_revoke",
    ),
    path("incidents/<int:incident_pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:incident_pk>/edit/", views.incident_edit, name="incident_edit"),
    path("incidents/<int:incident_pk>/determine/", views.incident_determine, name="incident_determine"),
    path(
        "incidents/<int:incident_pk>/determinations/<int:determination_pk>/withdraw/",
        views.incident_determination_withdraw, name="incident_determination_withdraw",
    ),
    path("incidents/<int:incident_pk>/sources/", views.incident_source_add, name="incident_source_add"),
    path("incidents/<int:incident_pk>.pdf", views.incident_pdf, name="incident_pdf"),
]
