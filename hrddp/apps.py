from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HrddpConfig(AppConfig):
    name = "hrddp"
    verbose_name = "HRDDP core"

    def ready(self):
        from hrddp import signals  # noqa: F401
        from hrddp.db_roles import grants_after_migrate

        # After every migrate (all apps' tables exist by then): the app role's grants on PostgreSQL.
        post_migrate.connect(grants_after_migrate, sender=self, dispatch_uid="hrddp_db_role_grants")
