"""In a real browser (Debian's Chromium, headless): a project manager walks a
request from screening to a submitted risk assessment, and the Chief of
Mission endorses it."""

import os
import shutil

import pytest
from playwright import sync_api

from assessments.models import RiskElement
from hrddp.models import ActivityType, State
from tests.factories import EngagementFactory, SupportActivityFactory

# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls are still plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _sign_in(browser, live_server, user):
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return page


def _take_step(page, name, why):
    page.click(f"summary:has-text('{_labels[name]}')")
    page.fill(f"#justification-{name}", why)
    page.click(f"form[action$='/steps/{name}/'] button[type=submit]")
    page.wait_for_load_state()


_labels = {
    "start_screening": "Start screening",
    "conclude_applicable": "Conclude: HRDDP applies",
    "pass_preconditions": "Preconditions met",
    "complete_coordination": "Coordination complete",
    "endorse": "Endorse the assessment",
}


@pytest.mark.django_db(transaction=True)
def test_a_project_manager_takes_a_request_to_endorsement_in_the_browser(live_server, browser, pm, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.DRAFT, title="Police post near the IDP site")
    SupportActivityFactory(engagement=engagement, description="Two motorbikes", activity_type=ActivityType.MATERIAL)
    base = f"{live_server.url}/engagements/{engagement.pk}"

    # Action 1: the project manager starts and saves the screening, and concludes that HRDDP applies.
    page = _sign_in(browser, live_server, pm)
    page.goto(f"{base}/")
    _take_step(page, "start_screening", "The request is complete.")
    page.goto(f"{base}/screening/")
    assert page.is_checked("#id_engages_security_force_0")  # pre-filled: Yes
    page.click("button:has-text('Save the screening')")
    _take_step(page, "conclude_applicable", "Equipment for a police unit: HRDDP applies.")

    # Action 2: the four preconditions, met with evidence.
    page.goto(f"{base}/preconditions/")
    for key in ("national_ownership", "no_death_penalty", "no_weapons", "no_combat_capacity"):
        page.check(f"#id_{key}_met_0")
        page.fill(f"#id_{key}_evidence", "Checked with the Ministry of the Interior.")
    page.click("button:has-text('Save the preconditions')")
    _take_step(page, "pass_preconditions", "All four preconditions are met.")

    # Action 3: no country mechanism.
    page.goto(f"{base}/coordination/")
    page.check("#id_mechanism_exists_1")
    page.click("button:has-text('Save the coordination record')")
    _take_step(page, "complete_coordination", "No UN HRDDP country mechanism here.")

    # Action 4: every element, a source, a risk factor, the final rating; then submit.
    page.goto(f"{base}/assessment/")
    for value, _ in RiskElement.choices:
        page.fill(f"#id_el-{value}-narrative", f"Findings on {value.replace('_', ' ')}.")
    page.fill("#id_sources-0-citation", "OHCHR country report (2025)")
    page.select_option("#id_sources-0-reliability", "A")
    page.fill("#id_factors-0-description", "Excessive use of force at the IDP site")
    page.check("#id_final-final_rating_1")  # medium
    page.fill("#id_final-final_justification", "Reports of excessive force; manageable with mitigation.")
    page.fill("#id_final-submit_note", "Complete, with sources.")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    engagement.refresh_from_db()
    assert engagement.state == State.ENDORSEMENT

    # The Chief of Mission reads the submitted version and endorses it.
    page = _sign_in(browser, live_server, com)
    page.goto(f"{base}/assessment/v1/")
    assert "Excessive use of force at the IDP site" in page.content()
    _take_step(page, "endorse", "Endorsed: medium risk, manageable.")

    engagement.refresh_from_db()
    assert engagement.state == State.MITIGATION
    assert [e.action for e in engagement.audit_entries.order_by("at", "pk")][-8:] == [
        "conclude_applicable", "save_preconditions", "pass_preconditions", "save_coordination",
        "complete_coordination", "save_risk_assessment", "submit_assessment", "endorse",
    ]
