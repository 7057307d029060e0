"""The demo's second factor: one documented authenticator secret for every demo login, set only with
DEBUG on (the embedded default), so that the demo can be signed in to without enrolling first. Add it to an
authenticator app, or print the current code with `manage.py demo_code`."""

from django.conf import settings

from accounts.services import second_factor_enrol_known_secret

# Base32, as authenticator apps take it. Public on purpose: it protects demo data only.
DEMO_TOTP_SECRET = "DARVONIADEMOTOTPSECRETFORDEMOAPP"


def demo_second_factors(users) -> bool:
    """Enrol the demo secret for each user, with DEBUG on only; whether it was."""
    if not settings.DEBUG:
        return False
    for user in users:
        second_factor_enrol_known_secret(user=user, secret=DEMO_TOTP_SECRET)
    return True
