"""Single sign-on through OpenID Connect, against a real identity provider that the test starts in its own
process (tests/oidc_provider): the person is matched to their existing account by a verified e-mail in an
allowed domain; SSO never makes an account nor changes a role; anyone else is refused with a clear message."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry, Membership, Role, User
from tests.factories import user_with_role

ROOT = Path(__file__).resolve().parent.parent
CALLBACK = "http://testserver/accounts/oidc/sso/login/callback/"
PERSON = {"PERSON_USERNAME": "a.rahimi", "PERSON_PASSWORD": "idp-password-for-tests", "CLIENT_ID": "hrddp", "CLIENT_SECRET": "client-secret-for-tests"}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_provider(tmp_path, email, verified=True):
    port = _free_port()
    env = {**os.environ, **PERSON, "PERSON_EMAIL": email, "PERSON_EMAIL_VERIFIED": "1" if verified else "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port), str(tmp_path / "idp.sqlite3"), CALLBACK],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The identity provider stopped: {process.stdout.read()}")
        try:
            if requests.get(f"{url}/.well-known/openid-configuration", timeout=1).status_code == 200:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("The identity provider did not start within 60 seconds.")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    process, url = _start_provider(tmp_path_factory.mktemp("idp"), "amina.rahimi@un.example")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def unverified_provider(tmp_path_factory):
    process, url = _start_provider(tmp_path_factory.mktemp("idp-unverified"), "amina.rahimi@un.example", verified=False)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _configure(settings, url, domains=("un.example",)):
    settings.OIDC_ISSUER = url
    settings.OIDC_NAME = "UN account"
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = list(domains)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [{
                "provider_id": "sso", "name": "UN account", "client_id": PERSON["CLIENT_ID"],
                "secret": PERSON["CLIENT_SECRET"],
                "settings": {"server_url": url, "token_auth_method": "client_secret_post"},
            }],
        }
    }


def _sign_in_at_the_provider(authorize_url):
    """What the person's browser does at their organisation's sign-in: the provider's own page, then back."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="password"' in response.text:
            response = browser.post(
                response.url,
                data={"login": PERSON["PERSON_USERNAME"], "password": PERSON["PERSON_PASSWORD"],
                      "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                allow_redirects=False, timeout=10,
            )
        assert response.status_code in (301, 302), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))[:1500]
        url = urljoin(response.url, response.headers["Location"])
        if url.startswith("http://testserver/"):
            return url
    raise AssertionError("The provider never sent the browser back to the app.")


def _single_sign_on(client):
    start = client.post(reverse("openid_connect_login", args=["sso"]))
    assert start.status_code == 302, start.content[:500]
    back = _sign_in_at_the_provider(start["Location"])
    return client.get(back.removeprefix("http://testserver"))


@pytest.fixture
def amina(office_a):
    user = user_with_role(Role.PROJECT_MANAGER, office_a, username="amina.r")
    user.email = "Amina.Rahimi@un.example"
    user.save()
    return user


def test_the_sign_in_page_offers_single_sign_on_when_it_is_configured(client, settings, provider, db):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    _configure(settings, provider)

    assert "Sign in with UN account" in client.get(reverse("login")).content.decode()


def test_a_person_is_signed_in_to_their_existing_account_by_verified_e_mail(client, settings, provider, amina):
    _configure(settings, provider)
    roles_before = list(Membership.objects.filter(user=amina).values_list("role", "office_id"))

    response = _single_sign_on(client)

    assert response.status_code == 302 and response["Location"] == reverse("engagement_list")
    assert int(client.session[SESSION_KEY]) == amina.pk
    assert list(Membership.objects.filter(user=amina).values_list("role", "office_id")) == roles_before
    entry = AuditEntry.objects.get(actor=amina, action=AuditAction.SIGN_IN)
    assert entry.details["method"] == "single sign-on"
    # Once connected, the next single sign-on finds the account again.
    client.post(reverse("logout"))
    assert _single_sign_on(client).status_code == 302
    assert int(client.session[SESSION_KEY]) == amina.pk


def test_a_person_with_a_second_factor_still_gives_a_code_after_single_sign_on(client, settings, provider, amina):
    TOTP.activate(amina, generate_totp_secret())
    _configure(settings, provider)

    response = _single_sign_on(client)

    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_authenticate"))
    assert SESSION_KEY not in client.session


def test_single_sign_on_never_makes_an_account(client, settings, provider, pm):
    _configure(settings, provider)
    users_before = User.objects.count()

    response = _single_sign_on(client)

    assert response.status_code == 403
    assert "No account here has the address amina.rahimi@un.example" in response.content.decode()
    assert User.objects.count() == users_before
    assert SESSION_KEY not in client.session


def test_an_address_outside_the_allowed_domains_is_refused(client, settings, provider, amina):
    _configure(settings, provider, domains=["undp.example"])

    response = _single_sign_on(client)

    assert response.status_code == 403
    assert "Addresses at un.example may not sign in here" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_unverified_address_is_refused(client, settings, unverified_provider, amina):
    _configure(settings, unverified_provider)

    response = _single_sign_on(client)

    assert response.status_code == 403
    assert "did not give a verified e-mail address" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_unverified_address_in_a_trusted_domain_is_accepted_when_so_configured(
    client, settings, unverified_provider, amina
):
    _configure(settings, unverified_provider)
    settings.OIDC_TRUST_ALLOWED_DOMAINS = True

    response = _single_sign_on(client)

    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == amina.pk


def test_a_disabled_account_is_refused(client, settings, provider, amina):
    _configure(settings, provider)
    amina.is_active = False
    amina.save()

    response = _single_sign_on(client)

    assert response.status_code == 403
    assert SESSION_KEY not in client.session
