from django.db import migrations


class Migration(migrations.Migration):
    # After the register turned each note into an allegation.
    dependencies = [("hrddp", "0009_person_identity"), ("register", "0002_allegations_from_notes")]

    operations = [migrations.RemoveField(model_name="personofinterest", name="substantiated_allegations")]
