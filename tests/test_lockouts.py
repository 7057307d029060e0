"""Lockouts hit the attacker, not the office: failures lock the pair (username, client address), the
username from anywhere only after many more, and never an address alone; the client address behind the
office's proxies is read from the configured number of trusted proxies, and nowhere else."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.client_ip import client_ip
from hrddp.models import AuditAction, AuditEntry

PASSWORD = "correct-horse-battery"
LOGIN = reverse("login")
X, Y = "198.51.100.7", "203.0.113.20"
PROXY = "10.0.0.2"


def _sign_in(client, username, password=PASSWORD, **meta):
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def _fail(client, username, times=5, **meta):
    for _ in range(times):
        _sign_in(client, username, "wrong-password", **meta)


def test_five_failures_for_a_user_from_one_address_lock_that_user_there(client, pm):
    _fail(client, pm.username, REMOTE_ADDR=X)

    response = _sign_in(client, pm.username, REMOTE_ADDR=X)

    assert response.status_code == 429


def test_they_do_not_lock_a_colleague_behind_the_same_address(client, pm, com):
    _fail(client, pm.username, REMOTE_ADDR=X)

    response = _sign_in(Client(), com.username, REMOTE_ADDR=X)

    assert response.status_code == 302


def test_they_do_not_lock_the_same_user_from_another_address(client, pm):
    _fail(client, pm.username, REMOTE_ADDR=X)

    response = _sign_in(Client(), pm.username, REMOTE_ADDR=Y)

    assert response.status_code == 302


def test_many_failures_from_many_addresses_lock_the_user_everywhere(client, pm, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    for n in range(8):
        _sign_in(client, pm.username, "wrong-password", REMOTE_ADDR=f"192.0.2.{n + 1}")

    response = _sign_in(Client(), pm.username, REMOTE_ADDR=Y)

    assert response.status_code == 429


def test_the_locked_out_page_says_when_to_try_again_and_whom_to_ask(client, pm, settings):
    settings.ACCOUNT_HELP_CONTACT = "the Darvonia ICT desk"
    _fail(client, pm.username, REMOTE_ADDR=X)

    content = _sign_in(client, pm.username, REMOTE_ADDR=X).content.decode()

    assert "You can try again after" in content and "UTC" in content
    assert "the Darvonia ICT desk" in content


# --- The client's address behind the proxies ---------------------------------------------------------


def test_with_one_trusted_proxy_the_forwarded_address_is_the_client(client, pm, com, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Everyone comes through the office's proxy; the proxy writes who it was reached from.
    _fail(client, pm.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=X)

    assert _sign_in(Client(), pm.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=X).status_code == 429
    assert _sign_in(Client(), pm.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=Y).status_code == 302


def test_with_a_trusted_proxy_an_address_the_client_wrote_before_it_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.post(LOGIN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{Y}, {X}")

    assert client_ip(request) == X


def test_without_a_trusted_proxy_a_forged_header_is_not_honoured(client, pm):
    # An attacker varies the header to escape the lockout of their own address: it changes nothing.
    for n in range(5):
        _sign_in(client, pm.username, "wrong-password", REMOTE_ADDR=X, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")

    response = _sign_in(Client(), pm.username, REMOTE_ADDR=X, HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert response.status_code == 429


@pytest.mark.parametrize("header", ["", "not-an-address", " , ", "999.1.1.1"])
def test_a_malformed_forwarded_header_falls_back_to_the_peer(rf, settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)) == PROXY


def test_a_chain_shorter_than_the_trusted_proxies_falls_back_to_the_peer(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=X)) == PROXY


# --- The audit trail ---------------------------------------------------------------------------------


def _actions(user):
    return list(AuditEntry.objects.filter(actor=user, engagement=None).order_by("pk").values_list("action", flat=True))


def test_a_sign_in_and_a_failure_are_in_the_audit_trail(client, pm):
    _sign_in(client, pm.username, "wrong-password", REMOTE_ADDR=X)
    _sign_in(client, pm.username, REMOTE_ADDR=X)

    assert _actions(pm) == [AuditAction.SIGN_IN_FAILED, AuditAction.SIGN_IN]
    entry = AuditEntry.objects.get(actor=pm, action=AuditAction.SIGN_IN)
    assert entry.details["ip"] == X


def test_a_lockout_is_in_the_audit_trail(client, pm):
    _fail(client, pm.username, REMOTE_ADDR=X)

    assert AuditAction.LOCKED_OUT in _actions(pm)
    assert _actions(pm).count(AuditAction.SIGN_IN_FAILED) == 4


def test_a_failure_for_a_username_that_names_no_account_writes_no_entry(client, pm):
    _fail(client, "nobody-here", REMOTE_ADDR=X)

    assert not AuditEntry.objects.filter(action__in=[AuditAction.SIGN_IN_FAILED, AuditAction.LOCKED_OUT]).exists()


def test_a_username_longer_than_any_account_is_a_failed_attempt_not_a_server_error(client, db):
    # A pasted essay in the username field: counted, cut to the length a username can have
    from axes.models import AccessAttempt

    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "wrong"})

    assert response.status_code in (200, 400)
    assert AccessAttempt.objects.get().username == "x" * 150
