"""At 390 × 844, a phone's screen: every main page of the demo, as a project manager, a Chief of Mission and
HQ, fits the width (no sideways scrolling) and every account action is on screen."""

import pytest
from django.core.management import call_command

from hrddp.models import Engagement, Recipient, User
from tests.test_browser_walkthrough import browser  # noqa: F401 - the browser fixture

PHONE = {"width": 390, "height": 844}
ENGAGEMENT_PAGES = ["", "assessment/", "plan/", "incidents/", "indicators/", "letters/", "exclusions/", "intervention/"]
MAIN_PAGES = ["/dashboard/", "/engagements/", "/incidents/", "/measures/", "/letters/", "/inbox/", "/help/", "/accounts/profile/"]


def _sign_in_on_a_phone(browser, live_server, username):  # noqa: F811
    page = browser.new_page(viewport=PHONE)
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "darvonia-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["pm.darvonia", "com.darvonia", "hq"])
def test_every_main_page_fits_a_phone_and_keeps_the_account_actions_on_screen(live_server, browser, username):  # noqa: F811
    # Given the demo, and a user signed in on a phone
    call_command("load_demo", stdout=open("/dev/null", "w"))
    user = User.objects.get(username=username)
    engagements = Engagement.objects.filter(office__code="drv").order_by("pk")
    recipient = Recipient.objects.filter(country="Darvonia").order_by("pk").first()
    paths = [*MAIN_PAGES, f"/recipients/{recipient.pk}/"]
    paths += [f"/engagements/{e.pk}/{sub}" for e in engagements for sub in ENGAGEMENT_PAGES]
    if user.username == "pm.darvonia":
        paths += ["/imports/", "/engagements/new/"]
    else:
        paths += ["/audit/"]
    page = _sign_in_on_a_phone(browser, live_server, username)

    # When each page is opened, then none is wider than the screen
    too_wide = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        if response.status == 404:
            continue  # a page the engagement's stage does not have
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}

    # And signing out, here and everywhere, is on screen
    for label in ("Sign out", "Sign out everywhere"):
        box = page.locator(f"header button:text-is('{label}')").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
