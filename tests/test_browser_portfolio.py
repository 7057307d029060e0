"""In a real browser (Debian's Chromium, headless): HQ opens the dashboard, follows a heat-map cell to
the list behind it and exports that list; a project manager imports recipients with a dry run and a
confirm."""

import io

import openpyxl
import pytest

from hrddp.models import AuditEntry, Recipient, State
from tests.builders import approved_support
from tests.factories import EngagementFactory, RecipientFactory
from tests.test_browser_walkthrough import _sign_in, browser  # noqa: F401 - the browser fixture


@pytest.mark.django_db(transaction=True)
def test_hq_follows_a_heat_map_cell_to_its_list_and_exports_it(live_server, browser, hq, office_a, office_b):  # noqa: F811
    high = approved_support(EngagementFactory(office=office_a, state=State.ACTIVE, title="Radios for Unit 7"), residual="high")
    approved_support(EngagementFactory(office=office_a, state=State.ACTIVE, title="Training at the academy"), residual="low")
    EngagementFactory(office=office_b, title="Boats for the coast guard")

    page = _sign_in(browser, live_server, hq)
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("svg.chart.bars").count() == 2
    row = page.locator("table.heat-map tbody tr", has_text=office_a.name)
    row.locator("td").nth(2).locator("a").click()  # Low, Medium, High: the third column
    page.wait_for_load_state()

    assert "residual=high" in page.url
    assert page.locator("table.list tbody tr").count() == 1
    assert page.locator("table.list tbody", has_text=high.reference).count() == 1

    with page.expect_download() as download:
        page.click("a:has-text('XLSX')")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert [cell.value for cell in sheet[2]][:2] == [high.reference, "Radios for Unit 7"]
    assert sheet.max_row == 2


@pytest.mark.django_db(transaction=True)
def test_a_project_manager_imports_units_after_a_dry_run(live_server, browser, pm, office_a, tmp_path):  # noqa: F811
    RecipientFactory(name="Darvonian Police Force", country=office_a.country)
    upload = tmp_path / "units.csv"
    upload.write_text(
        "name,country,category,level,parent\n"
        f"Esse Harbour Command,{office_a.country},,command,Darvonian Police Force\n"
        f"Harbour Patrol Unit,{office_a.country},,unit,Darvonian Police Force › Esse Harbour Command\n",
        encoding="utf-8",
    )

    page = _sign_in(browser, live_server, pm)
    page.goto(f"{live_server.url}/imports/")
    page.check("input[name=kind][value=recipients]")
    page.set_input_files("input[type=file]", str(upload))
    page.click("button:has-text('Check the file (dry run)')")
    page.wait_for_load_state()
    assert "Nothing has been written yet" in page.content()
    assert Recipient.objects.count() == 1

    page.click("button:has-text('Confirm the import')")
    page.wait_for_load_state()

    assert set(Recipient.objects.values_list("name", flat=True)) == {
        "Darvonian Police Force", "Esse Harbour Command", "Harbour Patrol Unit"
    }
    # Signing in has its own entry in the trail; the import wrote these two.
    assert list(
        AuditEntry.objects.filter(actor=pm).exclude(action="sign_in").order_by("pk").values_list("action", flat=True)
    ) == ["import_recipients_dry_run", "import_recipients"]
