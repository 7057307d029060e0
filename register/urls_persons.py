"""Filled in below."""

urlpatterns = []
