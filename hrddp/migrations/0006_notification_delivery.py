"""Delivery of notifications: filled in with the notification outbox's fields."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hrddp", "0005_export_and_import_permissions")]
    operations = []
