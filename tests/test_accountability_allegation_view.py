"""Recording a step of the authorities on an allegation: the page shows the steps so far and the finding; those
who record in the country may add one; every problem at once; a 404 for another country."""

from datetime import date

from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry
from register.models import AccountabilityStep
from tests.test_person_helpers import force, person, reported, unit  # noqa: F401 - fixtures

FORM = {"kind": "prosecution", "taken_on": "2026-02-10", "source": "Court register of Kael",
        "description": "Two officers charged."}


def _url(allegation):
    return reverse("accountability_allegation_new", args=[allegation.pk])


def test_a_project_manager_records_a_prosecution_and_the_finding_follows(client, pm, person):
    allegation = reported(pm, person, occurred_on=date(2025, 6, 1))
    client.force_login(pm)
    page = client.get(_url(allegation))
    assert page.status_code == 200 and "No investigation or prosecution recorded" in page.content.decode()

    response = client.post(_url(allegation), FORM)

    assert response.status_code == 302
    step = AccountabilityStep.objects.get()
    assert (step.allegation, step.kind, step.taken_on, step.recorded_by) == (allegation, "prosecution",
                                                                             date(2026, 2, 10), pm)
    assert AuditEntry.objects.get(action=AuditAction.RECORD_ACCOUNTABILITY_STEP).details["allegation"] == allegation.pk
    content = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "Prosecution on 10 February 2026." in content and "Court register of Kael" in content


def test_every_problem_shows_at_once_and_nothing_typed_is_lost(client, pm, person):
    allegation = reported(pm, person, occurred_on=date(2025, 6, 1))
    client.force_login(pm)

    response = client.post(_url(allegation), {**FORM, "kind": "", "source": "", "taken_on": "tomorrow"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind", "source", "taken_on"}
    assert "Two officers charged." in response.content.decode()


def test_a_step_dated_before_the_events_is_refused_beside_its_date(client, pm, person):
    allegation = reported(pm, person, occurred_on=date(2025, 6, 1))
    client.force_login(pm)

    response = client.post(_url(allegation), {**FORM, "taken_on": "2025-01-01"})

    assert response.status_code == 400
    assert response.context["form"].errors["taken_on"] == [
        "The step is dated before the events it is about (1 June 2025)."
    ]
    assert not AccountabilityStep.objects.exists()


def test_an_auditor_gets_403(client, pm, auditor, person):
    allegation = reported(pm, person)
    client.force_login(auditor)

    assert client.get(_url(allegation)).status_code == 403
    assert client.post(_url(allegation), FORM).status_code == 403


def test_a_pm_of_another_country_gets_404(client, pm, outsider, person):
    allegation = reported(pm, person)
    client.force_login(outsider)

    assert client.get(_url(allegation)).status_code == 404
    assert client.post(_url(allegation), FORM).status_code == 404
    assert not AccountabilityStep.objects.exists()
