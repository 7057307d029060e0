"""A second factor: signing in with an authenticator app or a recovery code, each code good once; and the
requirement that decision makers, HQ, holders of a confidential grant and staff enrol before anything else."""

import time
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hrddp import access
from hrddp.models import AuditAction, AuditEntry, Role, User
from tests.factories import user_with_role

PASSWORD = "correct-horse-battery"
LOGIN = reverse("login")
HOME = reverse("engagement_list")
AUTHENTICATE = reverse("mfa_authenticate")
ENROL = reverse("mfa_index")


@pytest.fixture(autouse=True)
def _no_used_codes():
    cache.clear()
    yield
    cache.clear()


def totp_code(secret, at=None):
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def enrol_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _signed_in(client):
    return SESSION_KEY in client.session


def _password_step(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(AUTHENTICATE), response
    assert not _signed_in(client)
    return response


def _actions(user):
    return list(AuditEntry.objects.filter(actor=user, engagement=None).order_by("pk").values_list("action", flat=True))


# --- Signing in with a second factor -------------------------------------------------------------------


def test_a_user_with_an_authenticator_app_gives_a_code_after_the_password(client, com, engagement):
    secret = enrol_totp(com)
    _password_step(client, com)

    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})

    assert response.status_code == 302 and response["Location"] == HOME
    assert _signed_in(client)
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_does_not_sign_in(client, com):
    secret = enrol_totp(com)
    _password_step(client, com)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(AUTHENTICATE, {"code": wrong})

    assert response.status_code == 200
    assert not _signed_in(client)
    assert AuditEntry.objects.get(actor=com, action=AuditAction.SIGN_IN_FAILED).details["step"] == "second factor"


def test_a_replayed_code_within_its_window_is_refused(client, com):
    secret = enrol_totp(com)
    code = totp_code(secret)
    _password_step(client, com)
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302

    other = Client()
    _password_step(other, com)
    response = other.post(AUTHENTICATE, {"code": code})

    assert response.status_code == 200
    assert not _signed_in(other)


def test_a_recovery_code_works_once(client, com):
    enrol_totp(com)
    codes = RecoveryCodes.activate(com).get_unused_codes()
    _password_step(client, com)
    assert client.post(AUTHENTICATE, {"code": codes[0]}).status_code == 302
    assert _signed_in(client)

    again = Client()
    _password_step(again, com)
    response = again.post(AUTHENTICATE, {"code": codes[0]})

    assert response.status_code == 200
    assert not _signed_in(again)
    assert AuditAction.USE_RECOVERY_CODE in _actions(com)


def test_recovery_codes_are_not_stored_in_the_clear(com):
    codes = RecoveryCodes.activate(com).get_unused_codes()
    stored = str(Authenticator.objects.get(user=com, type="recovery_codes").data)

    assert not any(code in stored for code in codes)


def test_the_authenticator_secret_is_stored_encrypted(com):
    secret = enrol_totp(com)
    stored = str(Authenticator.objects.get(user=com, type="totp").data)

    assert secret not in stored


# --- Enrolling ------------------------------------------------------------------------------------------


def test_enrolling_an_authenticator_app_takes_a_code_from_it_and_is_audited(client, com, django_capture_on_commit_callbacks):
    client.post(LOGIN, {"username": com.username, "password": PASSWORD})
    # Managing one's second factors asks for the password again first.
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=com, type="totp").exists()
    # The library announces the enrolment once it is committed; the audit entry is written then.
    assert AuditAction.ENROL_SECOND_FACTOR in _actions(com)
    assert AuditAction.GENERATE_RECOVERY_CODES in _actions(com)
    # The recovery codes are shown once, then no more.
    codes = Authenticator.objects.get(user=com, type="recovery_codes").wrap().get_unused_codes()
    assert codes[0] in client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert codes[0] not in client.get(reverse("mfa_view_recovery_codes")).content.decode()


# --- Who must use one ------------------------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED = True


@pytest.mark.parametrize("role", [Role.CHIEF_OF_MISSION, Role.HQ_HUMAN_RIGHTS])
def test_a_decision_maker_without_a_second_factor_is_sent_to_enrolment(client, required, office_a, role):
    user = user_with_role(role, None if role == Role.HQ_HUMAN_RIGHTS else office_a)
    client.force_login(user)

    response = client.get(HOME)

    assert response.status_code == 302 and response["Location"] == ENROL
    assert client.get(ENROL).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)


def test_staff_without_a_second_factor_are_sent_to_enrolment(client, required, db):
    staff = user_with_role(Role.AUDITOR, None, username="admin.staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    assert client.get(reverse("admin:index"))["Location"] == ENROL


def test_a_holder_of_a_confidential_grant_must_use_a_second_factor(pm, engagement):
    assert not access.must_use_second_factor(pm)
    access.confidential_grant_add(engagement, pm)

    assert access.must_use_second_factor(User.objects.get(pk=pm.pk))


def test_a_project_manager_is_not_required_to_enrol(client, required, pm, engagement):
    client.force_login(pm)

    assert client.get(HOME).status_code == 200


def test_an_enrolled_chief_of_mission_goes_on(client, required, com, engagement):
    enrol_totp(com)
    client.force_login(com)

    assert client.get(HOME).status_code == 200


def test_recovery_codes_alone_do_not_count_as_enrolled(client, required, com, engagement):
    RecoveryCodes.activate(com)
    client.force_login(com)

    assert client.get(HOME)["Location"] == ENROL


def test_a_required_user_may_still_sign_out(client, required, com):
    client.force_login(com)

    client.post(reverse("logout"))

    assert not _signed_in(client)


def test_the_last_authenticator_app_of_a_required_user_cannot_be_removed(client, required, com):
    secret = enrol_totp(com)
    client.post(LOGIN, {"username": com.username, "password": PASSWORD})
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("mfa_deactivate_totp"))

    assert Authenticator.objects.filter(user=com, type="totp").exists()


def test_security_keys_are_allowed_for_the_app_itself_only(client, com):
    client.force_login(com)

    policy = client.get(ENROL)["Permissions-Policy"]

    assert "publickey-credentials-get=(self)" in policy and "publickey-credentials-create=(self)" in policy
    assert "camera=()" in policy


def test_a_confidential_grant_given_during_a_session_asks_for_enrolment_within_minutes(client, required, pm, engagement):
    client.force_login(pm)
    assert client.get(HOME).status_code == 200
    access.confidential_grant_add(engagement, pm)

    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert client.get(HOME)["Location"] == ENROL


def test_the_administration_signs_in_through_the_apps_own_page(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=/admin/"
