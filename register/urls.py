"""A recipient's own page; included under recipients/."""

from django.urls import path

from register import views

urlpatterns = [
    path("<int:pk>/", views.recipient_detail, name="recipient_detail"),
]
