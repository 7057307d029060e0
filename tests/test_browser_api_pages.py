"""In a real browser (Debian's Chromium, headless) at phone width: the API tokens page shows a new token once
without sideways scrolling, and the documentation page renders the API from the app's own files under the
Content-Security-Policy, with no request leaving the app."""

import os
import shutil
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright import sync_api

from api.models import ApiToken

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PASSWORD = "correct-horse-battery"  # the factories' password
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(live_server, pm):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=PHONE)
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", pm.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page
        browser.close()


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_the_owner_creates_a_token_at_phone_width_and_sees_its_secret_once(phone, live_server, pm):
    phone.click("a:has-text('API tokens')")
    phone.fill("#id_name", "Mission reporting tool, nightly sync")
    phone.fill("#id_expires_on", (timezone.localdate() + timedelta(days=30)).isoformat())
    phone.click("button:has-text('Create the token')")
    phone.wait_for_load_state()

    token = ApiToken.objects.get(user=pm)
    secret = phone.inner_text("code.hash")
    assert secret.startswith(f"hrddp_{token.prefix}_")
    assert not _scrolls_sideways(phone)
    phone.goto(f"{live_server.url}/api/tokens/")
    assert secret not in phone.content() and "Mission reporting tool" in phone.content()
    assert not _scrolls_sideways(phone)


def test_the_documentation_page_renders_from_the_apps_own_files(phone, live_server):
    requests, refused = [], []
    phone.on("request", lambda request: requests.append(request.url))
    phone.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)

    phone.goto(f"{live_server.url}/api/docs/")
    phone.wait_for_selector("text=HRDDP case management API")
    phone.wait_for_selector("text=/api/v1/engagements/")
    # Every request answered before the browser closes: none is left holding a database connection.
    phone.wait_for_load_state("networkidle")

    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
    assert refused == []
