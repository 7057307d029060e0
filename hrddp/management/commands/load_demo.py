from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_TOTP_SECRET
from hrddp.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the Darvonia demo scenario (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        logins = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo scenario loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            where = login.office or "all offices"
            self.stdout.write(f"  {login.username:<14} {login.name:<15} {login.role.label} ({where})")
        if settings.DEBUG:
            self.stdout.write(
                f"Each also asks for a one-time code: add the secret {DEMO_TOTP_SECRET} to an authenticator app, "
                "or print the current code with `manage.py demo_code`."
            )
