from django.urls import path

from assessments import views

urlpatterns = [
    path("screening/", views.screening, name="screening"),
    path("preconditions/", views.preconditions, name="preconditions"),
    path("coordination/", views.coordination, name="coordination"),
]
