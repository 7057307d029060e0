"""axe-core (the engine of browsers' accessibility audits) finds no violation of any impact on the main
pages of the demo, as a project manager, a Chief of Mission and HQ."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from hrddp.models import Engagement
from tests.test_browser_walkthrough import browser  # noqa: F401 - the browser fixture

MAIN_PAGES = ["/dashboard/", "/engagements/", "/incidents/", "/measures/", "/letters/", "/inbox/", "/accounts/profile/", "/help/"]
ENGAGEMENT_PAGES = ["", "assessment/", "plan/", "incidents/", "letters/", "intervention/"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["pm.darvonia", "com.darvonia", "hq"])
def test_the_main_pages_have_no_accessibility_violation(live_server, browser, username):  # noqa: F811
    # Given the demo, and a user signed in
    call_command("load_demo", stdout=open("/dev/null", "w"))
    paths = list(MAIN_PAGES) + (["/audit/"] if username != "pm.darvonia" else ["/imports/"])
    for engagement in Engagement.objects.filter(office__code="drv").order_by("pk")[:3]:
        paths += [f"/engagements/{engagement.pk}/{sub}" for sub in ENGAGEMENT_PAGES]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "darvonia-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    axe = Axe()

    # When axe runs on each page, then it finds nothing
    found = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        if response.status == 404:
            continue  # a page the engagement's stage does not have
        violations = axe.run(page).response["violations"]
        if violations:
            found[path] = [(v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:2]]) for v in violations]
    assert found == {}
