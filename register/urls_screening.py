"""The screenings of names of an engagement's activities; included under engagements/<int:pk>/."""

from django.urls import path

from register import views_screening as views

urlpatterns = [
    path("screenings/", views.screening_list, name="name_screening_list"),
    path("screenings/new/", views.screening_new, name="name_screening_new"),
    path("screenings/<int:screening_pk>/", views.screening_detail, name="name_screening_detail"),
    path("screenings/<int:screening_pk>/export.csv", views.screening_export, name="name_screening_export"),
    path(
        "screenings/<int:screening_pk>/lines/<int:line_pk>/resolve/", views.screening_line_resolve,
        name="name_screening_line_resolve",
    ),
]
