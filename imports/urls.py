"""Imports from CSV and XLSX; included under imports/."""

from django.urls import path

from imports import views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("confirm/", views.import_confirm, name="import_confirm"),
    path("templates/<slug:kind>.<slug:file_format>", views.import_template, name="import_template"),
]
