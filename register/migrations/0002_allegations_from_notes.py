"""The free-text note of substantiated allegations a person of interest carried becomes an allegation of the
register, substantiated, whose status history says where it came from."""

from django.db import migrations


def notes_to_allegations(apps, schema_editor):
    Person = apps.get_model("hrddp", "PersonOfInterest")
    Allegation = apps.get_model("register", "Allegation")
    for person in Person.objects.exclude(substantiated_allegations="").order_by("pk").iterator():
        # The note said neither category nor date: gross violations is the widest of P¶12(a)'s.
        Allegation.objects.create(
            person=person, category="gross_violations", summary=person.substantiated_allegations,
            status="substantiated",
        )


def allegations_to_notes(apps, schema_editor):
    Person = apps.get_model("hrddp", "PersonOfInterest")
    Allegation = apps.get_model("register", "Allegation")
    for allegation in Allegation.objects.filter(status="substantiated").order_by("pk"):
        person = Person.objects.get(pk=allegation.person_id)
        person.substantiated_allegations = "\n\n".join(filter(None, [person.substantiated_allegations, allegation.summary]))
        person.save(update_fields=["substantiated_allegations"])


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(notes_to_allegations, allegations_to_notes)]
