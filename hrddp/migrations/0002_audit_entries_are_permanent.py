"""On PostgreSQL, the database itself refuses to change or delete audit entries."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hrddp_audit_entry_is_permanent() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit entries cannot be changed or deleted.';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hrddp_auditentry_permanent
    BEFORE UPDATE OR DELETE ON hrddp_auditentry
    FOR EACH ROW EXECUTE FUNCTION hrddp_audit_entry_is_permanent();
"""

DROP = """
DROP TRIGGER IF EXISTS hrddp_auditentry_permanent ON hrddp_auditentry;
DROP FUNCTION IF EXISTS hrddp_audit_entry_is_permanent();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hrddp", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
