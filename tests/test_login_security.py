"""Signing in and staying signed in: account lockout, session lifetimes,
"sign out everywhere" and the password rules."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hrddp.middleware import _SEEN, _STARTED

PASSWORD = "correct-horse-battery"  # set by tests.factories.UserFactory
LOGIN = reverse("login")
HOME = reverse("engagement_list")


def _sign_in(client, user, password=PASSWORD):
    return client.post(LOGIN, {"username": user.username, "password": password})


def _signed_in(client):
    return SESSION_KEY in client.session


def _is_sent_to_login(response):
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- Lockout --------------------------------------------------------------------


def test_it_signs_in_with_the_right_password(client, pm, engagement):
    response = _sign_in(client, pm)

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert _signed_in(client)
    assert client.get(HOME).status_code == 200


def test_it_locks_the_account_after_five_failed_sign_ins(client, pm):
    for _ in range(4):
        response = _sign_in(client, pm, "wrong-password")
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    _sign_in(client, pm, "wrong-password")

    response = _sign_in(client, pm)  # the sixth attempt, with the right password

    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert not _signed_in(client)
    assert _is_sent_to_login(client.get(HOME))


def test_it_keeps_the_account_locked_for_another_browser(client, pm):
    for _ in range(5):
        _sign_in(client, pm, "wrong-password")

    other = Client()
    response = _sign_in(other, pm)

    assert response.status_code == 429
    assert not _signed_in(other)


def test_it_unlocks_the_account_after_the_cool_off(client, pm):
    for _ in range(5):
        _sign_in(client, pm, "wrong-password")

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = _sign_in(client, pm)

    assert response.status_code == 302
    assert _signed_in(client)


def test_it_does_not_lock_an_account_after_four_failures(client, pm):
    for _ in range(4):
        _sign_in(client, pm, "wrong-password")

    assert _sign_in(client, pm).status_code == 302
    assert _signed_in(client)


# --- Session lifetime -------------------------------------------------------------


@pytest.fixture
def signed_in(client, pm, engagement):
    assert _sign_in(client, pm).status_code == 302
    assert client.get(HOME).status_code == 200
    return client


def test_it_keeps_a_session_active_within_30_minutes_of_the_last_request(signed_in):
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert signed_in.get(HOME).status_code == 200


def test_it_signs_out_a_session_idle_for_more_than_30_minutes(signed_in):
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = signed_in.get(HOME)

        assert _is_sent_to_login(response)
        assert "next=/engagements/" in response["Location"]
        assert not _signed_in(signed_in)
        assert "Your session has ended" in signed_in.get(response["Location"]).content.decode()
        assert _is_sent_to_login(signed_in.get(HOME))


def test_it_signs_out_a_session_whose_idle_mark_is_older_than_30_minutes(signed_in):
    session = signed_in.session
    session[_SEEN] = session[_SEEN] - 31 * 60
    session.save()

    assert _is_sent_to_login(signed_in.get(HOME))
    assert not _signed_in(signed_in)


def test_it_signs_out_a_busy_session_after_12_hours(signed_in):
    start = timezone.now()
    # A request every 25 minutes keeps the session from going idle...
    for minutes in range(25, 12 * 60, 25):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert signed_in.get(HOME).status_code == 200, minutes
    # ...but not beyond its absolute lifetime.
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        assert _is_sent_to_login(signed_in.get(HOME))
        assert not _signed_in(signed_in)


def test_it_signs_out_a_session_whose_start_mark_is_older_than_12_hours(signed_in):
    session = signed_in.session
    session[_STARTED] = session[_STARTED] - 12 * 3600 - 60
    session.save()

    assert _is_sent_to_login(signed_in.get(HOME))
    assert not _signed_in(signed_in)


# --- Sign out everywhere -------------------------------------------------------------


def test_signing_out_everywhere_ends_the_users_other_sessions(pm, com, engagement):
    laptop, phone, colleague = Client(), Client(), Client()
    for client, user in ((laptop, pm), (phone, pm), (colleague, com)):
        assert _sign_in(client, user).status_code == 302
        assert client.get(HOME).status_code == 200

    response = laptop.post(reverse("logout_everywhere"))

    assert _is_sent_to_login(response)
    assert _is_sent_to_login(laptop.get(HOME))
    assert _is_sent_to_login(phone.get(HOME))
    assert colleague.get(HOME).status_code == 200
    # The user can sign in again afterwards.
    assert _sign_in(phone, pm).status_code == 302
    assert phone.get(HOME).status_code == 200


def test_signing_out_everywhere_needs_a_post(signed_in):
    assert signed_in.get(reverse("logout_everywhere")).status_code == 405
    assert signed_in.get(HOME).status_code == 200


def test_signing_out_everywhere_needs_a_signed_in_user(client):
    assert _is_sent_to_login(client.post(reverse("logout_everywhere")))


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(pm, engagement):
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        _sign_in(client, pm)

    response = laptop.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "violet-orchard-harbour-1947", "new_password2": "violet-orchard-harbour-1947",
    })

    assert response.status_code == 302
    assert laptop.get(HOME).status_code == 200
    assert _is_sent_to_login(phone.get(HOME))


# --- Password rules -------------------------------------------------------------------


def test_it_rejects_a_short_password(pm):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3", user=pm)


@pytest.mark.parametrize("password", ["123456789012345", "password12345", "pm.a-Person0"])
def test_it_rejects_numeric_common_or_personal_passwords(pm, password):
    pm.last_name = "Person0"
    with pytest.raises(ValidationError):
        validate_password(password, user=pm)


def test_it_accepts_a_long_uncommon_password(pm):
    assert validate_password("violet-orchard-harbour-1947", user=pm) is None


def test_the_password_change_form_rejects_a_short_password(signed_in, pm):
    response = signed_in.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Sh0rt!pass", "new_password2": "Sh0rt!pass",
    })

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    pm.refresh_from_db()
    assert pm.check_password(PASSWORD)
