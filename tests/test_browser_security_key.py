"""In a real browser with a virtual security key (Chromium's WebAuthn test authenticator): a Chief of Mission
adds a security key as their second factor, signs out, and signs in with password and key."""

import os

import pytest

from tests.test_browser_walkthrough import PASSWORD, _sign_in, browser  # noqa: F401 - the fixture

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _virtual_security_key(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    return cdp


@pytest.mark.django_db(transaction=True)
def test_a_chief_of_mission_adds_a_security_key_and_signs_in_with_it(live_server, browser, com, settings):  # noqa: F811
    settings.MFA_REQUIRED = True
    # The test server speaks plain HTTP on localhost, which browsers count as secure; the library is told so.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    page = _sign_in(browser, live_server, com)
    page.wait_for_load_state()
    _virtual_security_key(page)

    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    page.fill("#id_password", PASSWORD)  # managing second factors asks for the password again
    page.click("form[action$='/accounts/reauthenticate/'] button[type=submit]")
    page.wait_for_load_state()
    page.fill("#id_name", "Office key")
    page.click("#mfa_webauthn_add")
    page.wait_for_function("() => !location.pathname.endsWith('/webauthn/add/')", timeout=10_000)
    assert com.authenticator_set.filter(type="webauthn").exists()

    page.click("header form[action$='/accounts/logout/'] button")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", com.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/2fa/authenticate/" in page.url
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url("**/engagements/", timeout=10_000)
