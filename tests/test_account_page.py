"""The account page: the user's second factors and the browsers they are signed in on; ending one of those
sessions signs that browser out at once, and is audited."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry

PASSWORD = "correct-horse-battery"
PAGE = reverse("account_profile")
HOME = reverse("engagement_list")


def _sign_in(user, agent, ip="198.51.100.7"):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _end_url(session):
    return reverse("account_session_end", args=[session.pk])


@pytest.fixture
def laptop(pm, engagement):
    return _sign_in(pm, "Firefox on the office laptop", "198.51.100.7")


@pytest.fixture
def phone(pm, engagement):
    return _sign_in(pm, "Safari on a phone", "203.0.113.9")


def test_the_owner_sees_each_browser_they_are_signed_in_on(laptop, phone):
    content = laptop.get(PAGE).content.decode()

    assert "Firefox on the office laptop" in content and "198.51.100.7" in content
    assert "Safari on a phone" in content and "203.0.113.9" in content
    assert "This browser" in content


def test_ending_a_session_signs_that_browser_out_at_once(laptop, phone, pm):
    other = UserSession.objects.get(user=pm, user_agent="Safari on a phone")

    response = laptop.post(_end_url(other))

    assert response.status_code == 302 and response["Location"] == PAGE
    assert phone.get(HOME)["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in phone.session
    assert laptop.get(HOME).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.REVOKE_SESSION)
    assert entry.actor == pm and entry.engagement is None and entry.details["ip"] == "203.0.113.9"


def test_a_colleague_cannot_end_the_owners_session(laptop, pm, com, engagement):
    colleague = _sign_in(com, "Chrome on the COM's desk")
    session = UserSession.objects.get(user=pm)

    assert colleague.post(_end_url(session)).status_code == 404
    assert laptop.get(HOME).status_code == 200


def test_an_outsider_cannot_end_the_owners_session_nor_see_it(laptop, pm, outsider):
    stranger = _sign_in(outsider, "Edge elsewhere")
    session = UserSession.objects.get(user=pm)

    assert "Firefox on the office laptop" not in stranger.get(PAGE).content.decode()
    assert stranger.post(_end_url(session)).status_code == 404
    assert laptop.get(HOME).status_code == 200


def test_ending_a_session_needs_a_post(laptop, pm):
    session = UserSession.objects.get(user=pm)

    assert laptop.get(_end_url(session)).status_code == 405


def test_the_page_needs_a_signed_in_user(client):
    assert client.get(PAGE)["Location"].startswith(reverse("login"))
    assert client.post(reverse("account_session_end", args=[1]))["Location"].startswith(reverse("login"))


def test_the_page_reads_a_bounded_number_of_queries(pm, engagement, django_assert_max_num_queries):
    clients = [_sign_in(pm, f"Browser {n}") for n in range(2)]
    with django_assert_max_num_queries(12):
        clients[0].get(PAGE)
    clients += [_sign_in(pm, f"Browser {n}") for n in range(2, 8)]
    with django_assert_max_num_queries(12):
        clients[0].get(PAGE)


def test_after_signing_out_everywhere_no_old_session_is_listed(laptop, phone, pm):
    laptop.post(reverse("logout_everywhere"))

    again = _sign_in(pm, "Firefox again")
    content = again.get(PAGE).content.decode()

    assert "Firefox again" in content
    assert "Safari on a phone" not in content and "Firefox on the office laptop" not in content


def test_behind_a_trusted_proxy_the_list_shows_the_clients_address(pm, engagement, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(HTTP_USER_AGENT="Behind the proxy", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.44")
    client.post(reverse("login"), {"username": pm.username, "password": PASSWORD})

    assert UserSession.objects.get(user=pm).ip == "198.51.100.44"
