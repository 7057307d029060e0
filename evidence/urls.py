"""Evidence files, under engagements/<pk>/ (see config/urls.py)."""

from django.urls import path

from evidence import views

urlpatterns = [
    path("evidence/new/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:file_pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:file_pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
]
