"""Delivery of notifications: each one's idempotency key and the state of its e-mail (the outbox)."""

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

import hrddp.models.notifications


def keys_for_existing(apps, schema_editor):
    # One statement for every row: the key of a notification written before keys existed is its own id.
    Notification = apps.get_model("hrddp", "Notification")
    Notification.objects.filter(dedupe_key__isnull=True).update(
        dedupe_key=Concat(Value("legacy:"), Cast("id", CharField()))
    )


class Migration(migrations.Migration):
    dependencies = [("hrddp", "0005_export_and_import_permissions")]
    operations = [
        migrations.AddField(
            model_name="notification",
            name="dedupe_key",
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.RunPython(keys_for_existing, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="notification",
            name="dedupe_key",
            field=models.CharField(
                default=hrddp.models.notifications.new_dedupe_key, editable=False, max_length=120, unique=True
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_error",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_retry_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("emailed_at__isnull", True)),
                fields=["created_at", "id"],
                name="notification_unmailed",
            ),
        ),
    ]
