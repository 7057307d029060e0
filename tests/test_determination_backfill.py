"""An incident marked as giving substantial grounds before determinations were kept gets one in force, so an
intercession may still be opened on it; the others get none."""

import importlib

from django.apps import apps
from django.utils import timezone

from monitoring.models import Channel, GraveViolationDetermination, Incident

backfill = importlib.import_module("monitoring.migrations.0005_determinations_of_earlier_incidents").backfill


def _incident(engagement, pm, **fields):
    values = dict(
        engagement=engagement, recipient=engagement.recipient, occurred_on=timezone.localdate(), description="x",
        channel=Channel.UN_MONITORING, categories=["gross_violations"], source_reliability="B",
        information_credibility="2", logged_by=pm,
    )
    return Incident.objects.create(**(values | fields))


def test_earlier_substantial_grounds_become_a_determination_naming_who_logged_it(engagement, pm):
    # Given an incident marked grave with substantial grounds the old way, and one only classified grave
    marked = _incident(engagement, pm, grave_violation=True, substantial_grounds=True)
    _incident(engagement, pm, grave_violation=True, substantial_grounds=False)

    # When the migration runs (twice: it adds nothing the second time)
    backfill(apps, None)
    backfill(apps, None)

    # Then the marked incident alone has a determination in force, by who logged it, saying where it comes from
    [determination] = GraveViolationDetermination.objects.all()
    assert determination.incident == marked and determination.determined_by == pm
    assert determination.withdrawn_at is None and "before determinations were kept" in determination.reasons
    assert determination.grades["incident"] == "B2"
