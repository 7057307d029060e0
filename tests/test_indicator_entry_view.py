"""The page where the project manager enters, or changes, the five figures of one quarter."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditEntry, Engagement, State
from monitoring.models import IndicatorMeasurement
from monitoring.quarters import quarter_of
from tests.pages import form_data

VALID = {
    "trained_can_describe_pct": "62.5", "beneficiaries_know_grievance_pct": "40", "units_adopted_regulations": "3",
    "self_reports_of_misconduct": "1", "investigations_increase_pct": "25", "notes": "Post-training test.",
}


def last_quarter():
    return quarter_of(timezone.localdate()).previous()


@pytest.fixture
def active(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(
        state=State.ACTIVE, support_approved_at=timezone.now() - timedelta(days=400)
    )
    return Engagement.objects.get(pk=engagement.pk)


def url(engagement, label=None):
    return reverse("indicator_entry", args=[engagement.pk, label or last_quarter().label])


def test_the_project_manager_enters_the_figures_and_returns_to_the_indicators(client, pm, active):
    # Given the project manager on the entry page of the last quarter
    client.force_login(pm)
    page = client.get(url(active))
    assert page.status_code == 200

    # When they submit the figures
    response = client.post(url(active), form_data(page.content.decode(), changes=VALID))

    # Then they are stored, audited, and the indicators page says so
    assert response.status_code == 302 and response.url == reverse("indicators", args=[active.pk])
    stored = IndicatorMeasurement.objects.get(engagement=active, quarter_start=last_quarter().start)
    assert stored.trained_can_describe_pct == Decimal("62.50") and stored.units_adopted_regulations == 3
    assert AuditEntry.objects.filter(engagement=active, action="enter_indicators", actor=pm).count() == 1
    follow = client.get(response.url)
    assert f"The indicators of {last_quarter().label} were entered." in follow.content.decode()


def test_a_percentage_over_100_re_renders_the_form_with_the_error_and_keeps_what_was_typed(client, pm, active):
    # Given the project manager
    client.force_login(pm)

    # When they submit a percentage of 140
    response = client.post(url(active), {**VALID, "trained_can_describe_pct": "140"})

    # Then 400, the error is shown, nothing is saved, and the other values are still in the form
    content = response.content.decode()
    assert response.status_code == 400
    assert "A percentage of people is between 0 and 100." in content
    assert 'href="#id_trained_can_describe_pct"' in content
    assert 'value="140"' in content and "Post-training test." in content and 'value="3"' in content
    assert not IndicatorMeasurement.objects.exists()
    assert not AuditEntry.objects.filter(action="enter_indicators").exists()


@pytest.mark.parametrize("field, value, message", [
    ("units_adopted_regulations", "-2", "Give a whole number, 0 or more."),
    ("self_reports_of_misconduct", "1.5", "Give a whole number, 0 or more."),
    ("investigations_increase_pct", "-150", "A fall cannot be more than -100%"),
    ("beneficiaries_know_grievance_pct", "many", "Give a number"),
])
def test_other_invalid_figures_are_refused_with_400(client, pm, active, field, value, message):
    # Given the project manager
    client.force_login(pm)

    # When they submit an invalid figure
    response = client.post(url(active), {**VALID, field: value})

    # Then it is refused and nothing is saved
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IndicatorMeasurement.objects.exists()


def test_an_empty_entry_is_refused(client, pm, active):
    # Given the project manager
    client.force_login(pm)

    # When they submit nothing
    response = client.post(url(active), {})

    # Then they are asked for a figure or a note
    assert response.status_code == 400
    assert "Enter at least one figure" in response.content.decode()


def test_editing_a_quarter_shows_its_figures_and_saving_updates_them(client, pm, active):
    # Given figures entered for the last quarter
    IndicatorMeasurement.objects.create(
        engagement=active, quarter_start=last_quarter().start, trained_can_describe_pct=Decimal("40.00"),
        units_adopted_regulations=2, entered_by=pm,
    )
    client.force_login(pm)

    # When the project manager opens the quarter and changes one figure
    page = client.get(url(active))
    content = page.content.decode()
    assert 'value="40"' in content and 'value="2"' in content
    response = client.post(url(active), form_data(content, changes={"units_adopted_regulations": "5"}))

    # Then the same record is updated
    assert response.status_code == 302
    stored = IndicatorMeasurement.objects.get()
    assert (stored.units_adopted_regulations, stored.trained_can_describe_pct) == (5, Decimal("40.00"))
    entry = AuditEntry.objects.get(action="enter_indicators")
    assert entry.details["changed"] == ["units_adopted_regulations"]


def test_a_quarter_that_has_not_started_is_not_found_and_cannot_be_posted(client, pm, active):
    # Given the project manager
    client.force_login(pm)
    next_quarter = quarter_of(timezone.localdate()).next().label

    # When they open or post the next quarter
    page = client.get(url(active, next_quarter))
    posted = client.post(url(active, next_quarter), VALID)

    # Then it is not there (404), a post is refused (400) and nothing is saved
    assert page.status_code == 404 and "has not started yet" in page.content.decode()
    assert posted.status_code == 400
    assert not IndicatorMeasurement.objects.exists()


@pytest.mark.parametrize("label", ["2026-Q5", "2026-Q0", "26-Q1", "reports-x", "2026Q1"])
def test_a_label_that_is_no_quarter_is_not_found(client, pm, active, label):
    client.force_login(pm)

    assert client.get(url(active, label)).status_code == 404


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_those_who_only_read_are_forbidden_to_enter_figures(request, client, active, who):
    # Given someone who sees the engagement but does not prepare it
    client.force_login(request.getfixturevalue(who))

    # When they open the page or post figures
    # Then 403, and nothing is saved
    assert client.get(url(active)).status_code == 403
    assert client.post(url(active), VALID).status_code == 403
    assert not IndicatorMeasurement.objects.exists()


def test_it_returns_404_for_another_offices_engagement(client, outsider, active):
    # Given a project manager of office B
    client.force_login(outsider)

    # When they open or post to office A's engagement
    # Then not found, and nothing is saved
    assert client.get(url(active)).status_code == 404
    assert client.post(url(active), VALID).status_code == 404
    assert not IndicatorMeasurement.objects.exists()
