"""The intervention procedure (T/Box 7) moves from interventions to mitigation, which records it before support
is approved. Only Django's idea of where the model lives changes: the table keeps its name
(interventions_interventionprocedure) and no row moves. interventions' 0006 then forgets the model.

Its content type moves too, so the model's permissions (and the role groups holding them) follow it instead of
being created afresh under mitigation while the old ones go stale.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    # On a new database there is no content type yet: post_migrate creates it, under the new app.
    if not types.filter(app_label=target, model="interventionprocedure").exists():
        types.filter(app_label=source, model="interventionprocedure").update(app_label=target)
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "interventions", "mitigation")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "mitigation", "interventions")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("hrddp", "0001_initial"),
        ("interventions", "0005_one_exclusion_in_force"),
        ("mitigation", "0003_seed_measure_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InterventionProcedure",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reporting_to_com", models.TextField(blank=True, verbose_name="How violations reach the Chief of Mission")),
                        ("engagement", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="intervention_procedure", to="hrddp.engagement")),
                        ("monitoring_responsible", models.ForeignKey(blank=True, help_text="Responsible for due-diligence monitoring.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("recipient_focal_point", models.ForeignKey(blank=True, help_text="The focal point in the recipient force.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="hrddp.governmentfocalpoint")),
                    ],
                    options={
                        "ordering": ["engagement"],
                        "db_table": "interventions_interventionprocedure",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
