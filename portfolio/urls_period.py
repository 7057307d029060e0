"""HQ's portfolio report for a chosen period (P¶24); included under reports/portfolio/period/."""

urlpatterns = []
