"""The way out of the commanders' rule (P¶16); included under engagements/<pk>/."""

from django.urls import path

from register import views_rules

urlpatterns = [
    path("continuations/new/", views_rules.support_continuation_new, name="support_continuation_new"),
]
