"""The demo's second factor: with DEBUG on, every demo login gets the documented authenticator secret, whose
current code `manage.py demo_code` prints; without DEBUG there is neither."""

import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.demo import DEMO_TOTP_SECRET, demo_second_factors
from hrddp.models import AuditAction, AuditEntry
from tests.test_second_factor import totp_code


def test_with_debug_on_each_demo_login_gets_the_documented_secret_once(settings, pm, com):
    settings.DEBUG = True

    assert demo_second_factors([pm, com])
    demo_second_factors([pm, com])  # loading the demo again

    assert Authenticator.objects.filter(type="totp").count() == 2
    assert Authenticator.objects.get(user=com, type="totp").wrap().validate_code(totp_code(DEMO_TOTP_SECRET))
    assert AuditEntry.objects.filter(action=AuditAction.ENROL_SECOND_FACTOR, engagement=None).count() == 2


def test_without_debug_the_demo_sets_no_secret(settings, pm):
    settings.DEBUG = False

    assert not demo_second_factors([pm])
    assert not Authenticator.objects.exists()


def test_demo_code_prints_the_current_code(settings, capsys):
    settings.DEBUG = True

    before = time.time()
    call_command("demo_code")

    # The command and the test may straddle the turn of a 30-second window.
    printed = capsys.readouterr().out.split()[0]
    assert printed in {totp_code(DEMO_TOTP_SECRET, before), totp_code(DEMO_TOTP_SECRET, time.time())}


def test_demo_code_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo_code")
