"""The register's pages of persons of interest, their allegations and the accountability record; included
under recipients/."""

from django.urls import path

from register import views_persons as views

urlpatterns = [
    path("<int:pk>/persons/new/", views.person_new, name="person_new"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/command-periods/new/", views.command_period_new, name="command_period_new"),
    path("persons/<int:pk>/allegations/new/", views.allegation_new, name="allegation_new"),
    path("allegations/<int:pk>/sources/new/", views.allegation_source_new, name="allegation_source_new"),
    path("allegations/<int:pk>/status/", views.allegation_status, name="allegation_status"),
    path(
        "allegations/<int:pk>/accountability/new/", views.accountability_allegation_new,
        name="accountability_allegation_new",
    ),
    path("incidents/<int:incident_pk>/accountability/", views.incident_accountability, name="incident_accountability"),
    path(
        "incidents/<int:incident_pk>/accountability/new/", views.accountability_incident_new,
        name="accountability_incident_new",
    ),
]
