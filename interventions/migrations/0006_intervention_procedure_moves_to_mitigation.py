"""The intervention procedure now lives in mitigation (its 0004 takes the model over, table and all): this app
forgets it. Nothing happens in the database; the table, still named interventions_interventionprocedure, stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("interventions", "0005_one_exclusion_in_force"),
        ("mitigation", "0004_intervention_procedure_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="InterventionProcedure")],
            database_operations=[],
        ),
    ]
