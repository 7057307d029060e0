"""In a real browser: a Chief of Mission without a second factor is sent to enrolment, enrols an
authenticator app (the test computes its codes), signs out, signs in with password and code, and approves
support after confirming their identity again."""

import os
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from hrddp.models import AuditAction, AuditEntry, State
from tests.builders import engagement_ready_for, reload
from tests.test_browser_walkthrough import PASSWORD, _sign_in, browser  # noqa: F401 - the fixture
from tests.test_second_factor import totp_code

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _session_of(page):
    key = next(c["value"] for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME)
    return import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)


def _confirm_password(page):
    assert "/accounts/reauthenticate/" in page.url
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/reauthenticate/'] button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_a_chief_of_mission_enrols_a_second_factor_signs_in_with_it_and_approves(  # noqa: F811
    live_server, browser, com, office_a, settings
):
    settings.MFA_REQUIRED = True
    engagement = engagement_ready_for("approve_support", office=office_a)
    start = timezone.now()

    # Signed in with the password alone, the Chief of Mission reaches only the enrolment page.
    page = _sign_in(browser, live_server, com)
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/2fa/")
    page.goto(f"{live_server.url}/engagements/{engagement.pk}/")
    assert page.url.endswith("/accounts/2fa/")
    assert "second factor" in page.content()

    # Enrolling an authenticator app asks for the password again, then for a code from the app.
    page.click("a[href$='/accounts/2fa/totp/activate/']")
    page.wait_for_load_state()
    _confirm_password(page)
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    secret = _session_of(page)["mfa.totp.secret"]
    page.fill("#id_code", totp_code(secret))
    page.click("form[action$='/accounts/2fa/totp/activate/'] button[type=submit]")
    page.wait_for_load_state()
    assert com.authenticator_set.filter(type="totp").exists()

    # Signed out, they sign in with the password and a fresh code (the one just used would be refused).
    page.click("header form[action$='/accounts/logout/'] button")
    page.wait_for_load_state()
    with time_machine.travel(start + timedelta(seconds=35), tick=True):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", com.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/2fa/authenticate/" in page.url
        page.fill("#id_code", totp_code(secret))
        page.click("form[action$='/accounts/2fa/authenticate/'] button[type=submit]")
        page.wait_for_load_state()
        assert page.url.endswith("/engagements/")

    # Sixteen minutes on, approving asks who is there again; the justification typed is kept.
    with time_machine.travel(start + timedelta(minutes=16), tick=True):
        page.goto(f"{live_server.url}/engagements/{engagement.pk}/")
        page.click("summary:has-text('Approve support')")
        page.fill("#justification-approve_support", "Residual risk acceptable; the authority has been notified.")
        page.click("form[action$='/steps/approve_support/'] button[type=submit]")
        page.wait_for_load_state()
        _confirm_password(page)
        assert "/accounts/reauthenticate/resume/" in page.url
        assert "Residual risk acceptable" in page.content()
        page.click("button:has-text('Send the step')")
        page.wait_for_load_state()

    assert reload(engagement).state == State.ACTIVE
    actions = set(AuditEntry.objects.filter(actor=com, engagement=None).values_list("action", flat=True))
    assert {AuditAction.SIGN_IN, AuditAction.REAUTHENTICATE} <= actions
