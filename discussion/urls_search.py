from django.urls import path

from discussion import views_search

urlpatterns = [path("", views_search.search, name="search")]
