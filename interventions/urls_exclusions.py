"""Exclusions of one engagement; included under engagements/<int:pk>/ (pk is the engagement)."""

from django.urls import path

from interventions import views_exclusions

urlpatterns = [
    path("exclusions/", views_exclusions.exclusion_list, name="exclusion_list"),
    path("exclusions/<int:exclusion_pk>/lift/", views_exclusions.exclusion_lift, name="exclusion_lift"),
]
