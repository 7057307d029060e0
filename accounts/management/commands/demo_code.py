"""The current one-time code of the demo's authenticator secret, for signing in to the demo logins on the
embedded default without an authenticator app. Refused unless DEBUG is on."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current one-time code of the demo logins (DEBUG=1 only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo's second factor exists only with DEBUG=1.")
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // settings.MFA_TOTP_PERIOD))
        self.stdout.write(f"{code}  (valid for {settings.MFA_TOTP_PERIOD - now % settings.MFA_TOTP_PERIOD} more seconds)")
