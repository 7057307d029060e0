from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HrddpConfig(AppConfig):
    name = "hrddp"
    verbose_name = "HRDDP core"

    def ready(self):
        from hrddp import access, notify, signals, tasks  # noqa: F401 (signals: its receivers connect)
        from hrddp.db_roles import grants_after_migrate
        from hrddp.models.engagements import StepPermission

        # Who may take a step is the access module's answer; it reads the models, so the engagement model
        # cannot import it and is handed the answer here.
        StepPermission.answered_by(access.may_take_step)
        # A message's e-mails go out by a Celery task, sent after commit (the fast path; the outbox sweep
        # catches the rest). The task module imports notify for the work its tasks do, so notify does not
        # import the tasks: it is handed the one it sends here, where every process (web, worker, beat) starts.
        notify.email_copies_by(tasks.email_notifications)

        # After every migrate (all apps' tables exist by then): the app role's grants on PostgreSQL.
        post_migrate.connect(grants_after_migrate, sender=self, dispatch_uid="hrddp_db_role_grants")
