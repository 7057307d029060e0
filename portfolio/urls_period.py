"""HQ's portfolio report for a chosen period (P¶24); included under reports/portfolio/period/."""

from django.urls import path

from portfolio import views_period

urlpatterns = [
    path("", views_period.portfolio_period_report, name="portfolio_period_report"),
]
