import os

from django.core.management.base import BaseCommand, CommandError

from hrddp.db_roles import AppRoleRefused, app_role, app_role_ensure, grants_apply


class Command(BaseCommand):
    help = (
        "PostgreSQL, run as the database owner: create the application's role (settings.DATABASE_APP_ROLE, "
        "password from POSTGRES_APP_PASSWORD when set) if it is missing, and grant it exactly its privileges. "
        "Safe to run again; migrate applies the same grants after every run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database="default", **options):
        try:
            app_role_ensure(using=database, password=os.environ.get("POSTGRES_APP_PASSWORD") or None)
        except AppRoleRefused as exc:
            raise CommandError(str(exc)) from exc
        grants = grants_apply(using=database)
        if grants is None:
            raise CommandError(f"The grants of {app_role()} could not be applied on this database.")
        self.stdout.write(self.style.SUCCESS(
            f"Role {grants.role}: {grants.tables} tables (read and append only on the audit trail, read only on "
            f"django_migrations), {grants.sequences} sequences; it owns nothing and creates nothing."
        ))
