"""Incidents marked as giving substantial grounds before determinations were kept get a determination in force, so
that what was decided then still opens an intercession. It names who logged the incident (or, failing that, who
opened the engagement) and says in its reasons where it comes from."""

from django.db import migrations

REASONS = (
    "Recorded before determinations were kept: the incident was marked as giving substantial grounds of a grave "
    "violation when it was logged."
)


def backfill(apps, schema_editor):
    Incident = apps.get_model("monitoring", "Incident")
    Determination = apps.get_model("monitoring", "GraveViolationDetermination")
    earlier = (
        Incident.objects.filter(grave_violation=True, substantial_grounds=True)
        .exclude(pk__in=Determination.objects.filter(withdrawn_at__isnull=True).values("incident_id"))
        .select_related("engagement")
        .order_by("pk")
    )
    rows = []
    for incident in earlier.iterator():
        by = incident.logged_by_id or incident.engagement.created_by_id
        if by is None:
            continue
        rows.append(Determination(
            incident_id=incident.pk, determined_by_id=by, role="", determined_at=incident.logged_at, reasons=REASONS,
            grades={
                "incident": f"{incident.source_reliability}{incident.information_credibility}",
                "verification": incident.verification_status, "corroborating_sources": [],
            },
        ))
        if len(rows) >= 1000:
            Determination.objects.bulk_create(rows)
            rows = []
    Determination.objects.bulk_create(rows)


def unfill(apps, schema_editor):
    apps.get_model("monitoring", "GraveViolationDetermination").objects.filter(reasons=REASONS).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_grave_violation_determination")]

    operations = [migrations.RunPython(backfill, unfill)]
