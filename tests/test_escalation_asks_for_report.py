"""P¶25: the alert of a grave violation on active support asks for the report to the decision makers,
with the address of the engagement's intervention page."""

from django.urls import reverse

from hrddp.models import Reminder
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    active,
    command,
    force,
    grave,
    log,
    unit,
)


def test_the_grave_violation_alert_asks_for_the_report_with_the_intervention_page(
    pm, com, hq, active, unit, django_capture_on_commit_callbacks
):
    # When a grave violation with substantial grounds is logged on active support
    with django_capture_on_commit_callbacks(execute=True):
        log(active, pm, recipient=unit, **grave())

    # Then the alert asks for the report to the Chief of Mission and HQ, and links the intervention page
    detail = Reminder.objects.get(kind=Reminder.Kind.GRAVE_VIOLATION).detail
    assert "reports it at once to the Chief of Mission and HQ (P¶25)" in detail
    assert reverse("case_current", args=[active.pk]) in detail
