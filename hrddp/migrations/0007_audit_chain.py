"""The audit trail becomes a hash chain, and on PostgreSQL the database sets its time.

Each entry gets its place in the chain, the previous entry's hash and its own
(hrddp/audit_chain.py); the entries already written are chained in the order
they were written (time, then id).

On PostgreSQL, a BEFORE INSERT trigger owned by the owner that runs this
migration links every new entry under one advisory lock (held until the
writing transaction ends, so that two writers cannot fork the chain) and,
unless the writer is the table's owner, replaces the entry's time with the
database's clock: the application's role cannot back-date an entry. The
canonical encoding is one SQL function, used by the trigger and by
`manage.py verify_audit`. The functions resolve names only in pg_catalog and
this schema, never in a session's temporary schema.
"""

import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models

from hrddp.audit_chain import CONTENT_FIELDS, GENESIS, entry_digest

# pg_advisory_xact_lock key of the audit chain ("HRDD").
CHAIN_LOCK = 0x48524444


def _functions(schema: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {schema}.hrddp_audit_entry_digest(
    chain_seq bigint, prev_hash text, engagement_id bigint, actor_id bigint, at timestamptz,
    action text, from_state text, to_state text, justification text, details jsonb
) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT encode(sha256(convert_to(jsonb_build_array(
        chain_seq, prev_hash, engagement_id, actor_id,
        to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        action, from_state, to_state, justification, details
    )::text, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION {schema}.hrddp_audit_entry_chain() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, {schema}, pg_temp
AS $$
DECLARE
    head record;
BEGIN
    -- Only the table's owner (migrations, and the demo and synthetic portfolio loaders when
    -- run as the owner) may date an entry; anyone else's entry takes the database's clock.
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        NEW.at := clock_timestamp();
    END IF;
    -- One writer extends the chain at a time, until its transaction ends: chain order is
    -- commit order, and the head read below is the last committed one.
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    SELECT e.chain_seq, e.hash INTO head FROM {schema}.hrddp_auditentry e ORDER BY e.chain_seq DESC LIMIT 1;
    NEW.chain_seq := coalesce(head.chain_seq, 0) + 1;
    NEW.prev_hash := coalesce(head.hash, '{GENESIS}');
    NEW.hash := {schema}.hrddp_audit_entry_digest(
        NEW.chain_seq, NEW.prev_hash, NEW.engagement_id, NEW.actor_id, NEW.at,
        NEW.action, NEW.from_state, NEW.to_state, NEW.justification, NEW.details
    );
    RETURN NEW;
END;
$$;
"""


def _backfill_postgresql(schema: str) -> str:
    # Entries refuse UPDATE: the migration, as the owner, lifts that for its own transaction only.
    return f"""
ALTER TABLE {schema}.hrddp_auditentry DISABLE TRIGGER hrddp_auditentry_permanent;
DO $$
DECLARE
    r record;
    seq bigint := 0;
    prev text := '{GENESIS}';
BEGIN
    FOR r IN SELECT * FROM {schema}.hrddp_auditentry ORDER BY at, id LOOP
        seq := seq + 1;
        UPDATE {schema}.hrddp_auditentry
           SET chain_seq = seq, prev_hash = prev,
               hash = {schema}.hrddp_audit_entry_digest(
                   seq, prev, r.engagement_id, r.actor_id, r.at, r.action,
                   r.from_state, r.to_state, r.justification, r.details)
         WHERE id = r.id
        RETURNING hash INTO prev;
    END LOOP;
END;
$$;
ALTER TABLE {schema}.hrddp_auditentry ENABLE TRIGGER hrddp_auditentry_permanent;
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.quote_name(cursor.fetchone()[0])


def chain_existing(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema = _schema(schema_editor)
        schema_editor.execute(_functions(schema))
        schema_editor.execute(_backfill_postgresql(schema))
        return
    AuditEntry = apps.get_model("hrddp", "AuditEntry")
    rows = AuditEntry.objects.order_by("at", "id").values_list("id", *CONTENT_FIELDS)
    updates, prev_hash = [], GENESIS
    for chain_seq, (entry_id, *content) in enumerate(rows.iterator(chunk_size=2000), start=1):
        digest = entry_digest(chain_seq=chain_seq, prev_hash=prev_hash, **dict(zip(CONTENT_FIELDS, content)))
        updates.append((chain_seq, prev_hash, digest, entry_id))
        prev_hash = digest
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE hrddp_auditentry SET chain_seq = %s, prev_hash = %s, hash = %s WHERE id = %s", updates)


def link_new_entries(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE TRIGGER hrddp_auditentry_chain BEFORE INSERT ON hrddp_auditentry "
            "FOR EACH ROW EXECUTE FUNCTION hrddp_audit_entry_chain()"
        )


def unlink_new_entries(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("""
            DROP TRIGGER IF EXISTS hrddp_auditentry_chain ON hrddp_auditentry;
            DROP FUNCTION IF EXISTS hrddp_audit_entry_chain();
            DROP FUNCTION IF EXISTS hrddp_audit_entry_digest(
                bigint, text, bigint, bigint, timestamptz, text, text, text, text, jsonb);
        """)


class Migration(migrations.Migration):
    dependencies = [("hrddp", "0006_notification_delivery")]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "base_manager_name": "objects", "ordering": ["-at", "-pk"],
                "permissions": [("view_audit_trail", "Can read the whole audit trail")],
                "verbose_name_plural": "audit entries",
            },
        ),
        # Nullable and not yet unique while the entries already written are chained.
        migrations.AddField(
            model_name="auditentry", name="chain_seq", field=models.BigIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditentry", name="prev_hash",
            field=models.CharField(db_default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry", name="hash", field=models.CharField(db_default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry", name="chain_seq",
            field=models.BigIntegerField(db_default=0, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="auditentry", name="at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(), db_index=True, default=django.utils.timezone.now
            ),
        ),
        migrations.RunPython(link_new_entries, unlink_new_entries),
    ]
