"""The portfolio dashboard, the lists across engagements and their exports."""

from django.urls import path

from portfolio import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("incidents/", views.incident_overview, name="incident_overview"),
    path("measures/", views.measure_overview, name="measure_overview"),
    path("letters/", views.letter_overview, name="letter_overview"),
    path("audit/", views.audit_trail, name="audit_trail"),
    # kind: engagements, incidents, measures, letters or audit; fmt: csv or xlsx (checked by the view).
    path("exports/<slug:kind>.<slug:fmt>", views.list_export, name="list_export"),
    # An export built in the background: its progress, then its file (for the user who asked, alone).
    path("exports/jobs/<int:pk>/", views.export_status, name="export_status"),
    path("exports/jobs/<int:pk>/download/", views.export_download, name="export_download"),
]
