"""Imports from CSV and XLSX; included under imports/."""

urlpatterns = []
