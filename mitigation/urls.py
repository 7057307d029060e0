from django.urls import path

from mitigation import views

urlpatterns = [
    path("plan/", views.mitigation_plan, name="mitigation_plan"),
    path("plan/catalogue/", views.catalogue, name="measure_catalogue"),
    path("plan/catalogue/add/", views.add_from_catalogue, name="add_from_catalogue"),
    path("approval/", views.approval, name="approval"),
]
