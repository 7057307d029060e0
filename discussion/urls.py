"""Comments, under engagements/<pk>/ (see config/urls.py)."""

from django.urls import path

from discussion import views

urlpatterns = [
    path("comments/new/", views.comment_new, name="comment_new"),
    path("comments/<int:comment_pk>/edit/", views.comment_edit_view, name="comment_edit"),
]
