"""On PostgreSQL, GIN indexes on the very expressions the search matches (discussion/search.py: SearchVector of
these fields under the 'simple' configuration), so that a word is looked up in an index instead of every row's text
being parsed at each search: 200,000 incidents take seconds to parse, milliseconds to look up. The indexes sit on
other apps' tables but belong to the search, so they are made here, and only on PostgreSQL (SQLite has no
full-text search; the search there matches with LIKE). The fields must stay those of discussion/search.py: an index
on another expression would not be used."""

from django.db import migrations

SEARCHED = [
    ("hrddp", "engagement", ["reference", "title"], "search_engagement_gin"),
    ("hrddp", "recipient", ["name"], "search_recipient_gin"),
    ("hrddp", "personofinterest", ["full_name"], "search_person_gin"),
    ("register", "personalias", ["name"], "search_alias_gin"),
    ("monitoring", "incident", ["description", "place"], "search_incident_gin"),
    ("mitigation", "mitigationmeasure", ["title", "owner"], "search_measure_gin"),
    ("interventions", "letter", ["reference", "subject", "body"], "search_letter_gin"),
    ("discussion", "comment", ["body"], "search_comment_gin"),
]


def _indexes(apps):
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    for app_label, model_name, fields, name in SEARCHED:
        yield apps.get_model(app_label, model_name), GinIndex(SearchVector(*fields, config="simple"), name=name)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0001_initial"),
        ("hrddp", "0014_edit_comment_audit_action"),
        ("register", "0004_continuation_before_plan"),
        ("monitoring", "0005_determinations_of_earlier_incidents"),
        ("mitigation", "0005_measure_excludes_person"),
        ("interventions", "0008_intercession_made"),
    ]

    operations = [migrations.RunPython(add, remove)]
