"""On PostgreSQL, the database itself refuses to change or delete an issued letter.

Only its dispatch (date and channel) may be written, once, after issue.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION interventions_issued_letter_is_permanent() RETURNS trigger AS $$
BEGIN
    IF OLD.issued_at IS NULL THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Issued letters cannot be changed or deleted.';
    END IF;
    IF (to_jsonb(NEW) - 'dispatched_on' - 'dispatch_channel')
            IS DISTINCT FROM (to_jsonb(OLD) - 'dispatched_on' - 'dispatch_channel')
        OR (
            (OLD.dispatched_on IS NOT NULL OR OLD.dispatch_channel <> '')
            AND (NEW.dispatched_on, NEW.dispatch_channel) IS DISTINCT FROM (OLD.dispatched_on, OLD.dispatch_channel)
        )
    THEN
        RAISE EXCEPTION 'Issued letters cannot be changed or deleted.';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER interventions_letter_issued_permanent
    BEFORE UPDATE OR DELETE ON interventions_letter
    FOR EACH ROW EXECUTE FUNCTION interventions_issued_letter_is_permanent();
"""

DROP = """
DROP TRIGGER IF EXISTS interventions_letter_issued_permanent ON interventions_letter;
DROP FUNCTION IF EXISTS interventions_issued_letter_is_permanent();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("interventions", "0002_letter_drafts_corrections_and_references")]
    operations = [migrations.RunPython(create, drop)]
