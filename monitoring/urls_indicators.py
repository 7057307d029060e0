"""Quarterly indicators and reports of one engagement; included under engagements/<int:pk>/ (pk is the engagement)."""

from django.urls import path

from monitoring import views_indicators as views

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/reports/", views.indicator_report_list, name="indicator_reports"),
    path("indicators/reports/<int:report_pk>.pdf", views.indicator_report_pdf, name="indicator_report_pdf"),
    # A quarter's label, e.g. 2026-Q3 (checked by the view).
    path("indicators/<str:quarter>/", views.indicator_entry, name="indicator_entry"),
]

# HQ's portfolio reports are not under an engagement. To serve them, config/urls.py needs:
portfolio_urlpatterns = [
    path("", views.portfolio_report_list, name="portfolio_reports"),
    path("<int:report_pk>.pdf", views.portfolio_report_pdf, name="portfolio_report_pdf"),
]
