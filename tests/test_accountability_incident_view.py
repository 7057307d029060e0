"""The accountability record of an incident: its public facts, the steps of the authorities and the finding,
for every office of the incident's country and HQ (a 404 for another country); recording a step is for those
who record in the country. Victims', witnesses' and sources' details never show here."""

from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry
from monitoring.models import Incident
from register.models import AccountabilityStep
from register.person_services import accountability_step_record
from tests.builders import grave_incident
from tests.factories import EngagementFactory, OfficeFactory, user_with_role

FORM = {"kind": "investigation_opened", "taken_on": "", "source": "Governor's statement", "description": ""}


def _page(incident):
    return reverse("incident_accountability", args=[incident.pk])


def _new(incident):
    return reverse("accountability_incident_new", args=[incident.pk])


def test_the_page_shows_the_incident_the_steps_and_the_finding_without_confidential_details(client, pm, engagement):
    incident = grave_incident(engagement)
    Incident.objects.filter(pk=incident.pk).update(victims="MARKER-VICTIM", source_details="MARKER-SOURCE")
    client.force_login(pm)

    content = client.get(_page(incident)).content.decode()

    assert "Two traders reported killed" in content
    assert "No investigation or prosecution recorded less than a month after the incident." in content
    assert "MARKER-VICTIM" not in content and "MARKER-SOURCE" not in content
    assert _new(incident) in content


def test_another_office_of_the_country_records_a_step(client, engagement):
    # Given a project manager of a second office in the same country
    other = user_with_role("project_manager", OfficeFactory(code="ccc", name="Office C", country="Darvonia"))
    incident = grave_incident(engagement)
    client.force_login(other)
    assert client.get(_new(incident)).status_code == 200

    response = client.post(_new(incident), FORM)

    assert response.status_code == 302 and response["Location"] == _page(incident)
    step = AccountabilityStep.objects.get()
    assert (step.incident, step.allegation, step.recorded_by) == (incident, None, other)
    assert AuditEntry.objects.get(action=AuditAction.RECORD_ACCOUNTABILITY_STEP).details["incident"] == incident.pk
    assert "Investigation opened (date not recorded)." in client.get(_page(incident)).content.decode()


def test_every_problem_shows_at_once(client, pm, engagement):
    incident = grave_incident(engagement)
    client.force_login(pm)

    response = client.post(_new(incident), {"kind": "amnesty", "source": ""})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind", "source"}


def test_an_auditor_reads_the_record_without_the_link_and_gets_403_on_the_form(client, pm, auditor, engagement):
    incident = grave_incident(engagement)
    accountability_step_record(by=pm, incident=incident, kind="none", source="Governor")
    client.force_login(auditor)

    page = client.get(_page(incident))
    assert page.status_code == 200 and "No step taken" in page.content.decode()
    assert _new(incident) not in page.content.decode()
    assert client.get(_new(incident)).status_code == 403
    assert client.post(_new(incident), FORM).status_code == 403


def test_a_pm_of_another_country_gets_404(client, outsider, engagement):
    incident = grave_incident(engagement)
    client.force_login(outsider)

    assert client.get(_page(incident)).status_code == 404
    assert client.get(_new(incident)).status_code == 404
    assert client.post(_new(incident), FORM).status_code == 404
    assert not AccountabilityStep.objects.exists()


def test_hq_sees_an_incident_of_every_country(client, hq, office_b):
    incident = grave_incident(EngagementFactory(office=office_b))
    client.force_login(hq)

    assert client.get(_page(incident)).status_code == 200
