"""Least privilege on PostgreSQL: the owner migrates, the application runs as its own role.

The owner (the role that runs `migrate`) owns every table, the audit trail's
triggers and their functions. The application's role (settings.DATABASE_APP_ROLE)
owns nothing and may not create anything in the schema; it holds

- SELECT, INSERT, UPDATE, DELETE on every table, and USAGE, SELECT on every sequence;
- SELECT, INSERT only on the audit trail and on the allegations' status history (no UPDATE,
  DELETE or TRUNCATE), so that it can neither rewrite history nor disable or replace the
  triggers that keep it;
- SELECT only on django_migrations.

The grants are applied again after every migrate (and by `manage.py db_roles`), from
the whole schema, so a table made by a later migration is covered and any privilege
granted by hand beside them is taken away. Default privileges (ALTER DEFAULT
PRIVILEGES) are not used: they would depend on which role creates a table, and would
hand UPDATE and DELETE on a new append-only table to the app before its revoke ran.
On SQLite there are no roles and nothing here runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction

APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
# Tables the app may read and append to, but never change: the audit trail, the history of each
# allegation's status (register.AllegationStatusChange: who moved it, in which role, when and why), and the
# intercessions brought to the authorities (interventions.IntercessionCommunication: P¶27 counts from them).
APPEND_ONLY = ("hrddp_auditentry", "register_allegationstatuschange", "interventions_intercessioncommunication")
# Tables the app may only read.
READ_ONLY = ("django_migrations",)


class AppRoleRefused(Exception):
    """The app role cannot be set up safely; the message says why and what to do."""


@dataclass(frozen=True)
class Grants:
    role: str
    tables: int
    sequences: int


def app_role() -> str:
    return settings.DATABASE_APP_ROLE


def _schema_and_user(cursor) -> tuple[str, str]:
    cursor.execute("SELECT current_schema(), current_user")
    return cursor.fetchone()


def grants_apply(*, using: str = "default") -> Grants | None:
    """Grant the app role exactly its privileges on this database; None when there is nothing to do.

    Nothing to do: not PostgreSQL, no such role, or connected as the app role itself."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    role = app_role()
    quote = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        schema, user = _schema_and_user(cursor)
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None or user == role:
            return None
        r, s = quote(role), quote(schema)
        cursor.execute("SELECT current_database()")
        statements = [
            f"GRANT CONNECT ON DATABASE {quote(cursor.fetchone()[0])} TO {r}",
            # Nobody but the owner creates objects here (PostgreSQL 15 no longer grants it; older clusters did).
            f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",
            f"REVOKE ALL ON SCHEMA {s} FROM {r}",
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
            f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {r}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        ]
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = ANY(%s)",
            [schema, [*APPEND_ONLY, *READ_ONLY]],
        )
        for (table,) in cursor.fetchall():
            kept = "UPDATE, DELETE" if table in APPEND_ONLY else "INSERT, UPDATE, DELETE"
            statements.append(f"REVOKE {kept} ON {s}.{quote(table)} FROM {r}")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')), count(*) FILTER (WHERE c.relkind = 'S') "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s",
            [schema],
        )
        tables, sequences = cursor.fetchone()
    return Grants(role=role, tables=tables, sequences=sequences)


def app_role_ensure(*, using: str = "default", password: str | None = None) -> None:
    """Create the app role if it is missing (LOGIN, no other attribute), or bring it back to that.

    Refuses when connected as the app role, when the app role is a member of any other role
    (the owner, or a predefined one such as pg_write_all_data), or when it owns tables here:
    each would give it more than its grants."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise AppRoleRefused("Database roles exist on PostgreSQL only; this database is "
                             f"{connection.display_name}.")
    role = app_role()
    r = connection.ops.quote_name(role)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        schema, user = _schema_and_user(cursor)
        if user == role:
            raise AppRoleRefused(f"Connected as the app role {role}: run this as the database owner.")
        # Two set-ups at once may both find the role missing: the second one's CREATE is a no-op.
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {r} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin "
            "FROM pg_roles WHERE rolname = %s",
            [role],
        )
        superuser, createdb, createrole, replication, bypassrls, login = cursor.fetchone()
        attributes = [
            word for word, wrong in [
                ("NOSUPERUSER", superuser), ("NOCREATEDB", createdb), ("NOCREATEROLE", createrole),
                ("NOREPLICATION", replication), ("NOBYPASSRLS", bypassrls), ("LOGIN", not login),
            ] if wrong
        ]
        if attributes:
            cursor.execute(f"ALTER ROLE {r} {' '.join(attributes)}")
        if password:
            cursor.execute(f"ALTER ROLE {r} PASSWORD %s", [password])
        # Any role it belongs to would lend it that role's privileges (the owner's, or e.g. pg_write_all_data).
        cursor.execute(
            "SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s",
            [role],
        )
        groups = cursor.fetchone()[0]
        if groups:
            raise AppRoleRefused(
                f"The app role {role} is a member of {groups}, and would hold their privileges: revoke that "
                f"membership (REVOKE {groups} FROM {role})."
            )
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) = %s",
            [schema, role],
        )
        owned = cursor.fetchone()[0]
        if owned:
            raise AppRoleRefused(
                f"The app role {role} owns {owned} tables or sequences in schema {schema}: give them to "
                f"the owner (REASSIGN OWNED BY {role} TO {user}) and run this again."
            )


def grants_after_migrate(sender, using="default", verbosity=1, stdout=None, **kwargs) -> None:
    """post_migrate: every migrate ends with the app role's grants brought up to date."""
    grants = grants_apply(using=using)
    if grants and verbosity >= 2 and stdout is not None:
        stdout.write(f"  Granted {grants.role} its privileges on {grants.tables} tables.\n")
