"""Recording an allegation against a person of interest, with up to three sources in the same form, each graded:
every problem at once with nothing typed lost; who may; a 404 for another country's person."""

from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry
from register.models import Allegation, AllegationStatus
from tests.builders import grave_incident
from tests.test_person_helpers import force, force_b, person, person_b, unit  # noqa: F401 - fixtures

FORM = {
    "category": "command_responsibility", "summary": "Failed to punish officers who beat detainees at Kael.",
    "occurred_on": "2025-06-01", "incident": "",
    "source_1_description": "OHCHR report, March 2026", "source_1_reliability": "B", "source_1_credibility": "2",
    "source_2_description": "Local NGO", "source_2_reliability": "C", "source_2_credibility": "3",
    "source_3_description": "", "source_3_reliability": "", "source_3_credibility": "",
}


def _url(person):
    return reverse("allegation_new", args=[person.pk])


def test_a_project_manager_records_an_allegation_with_two_sources_as_reported(client, pm, person):
    client.force_login(pm)
    page = client.get(_url(person))
    assert page.status_code == 200
    assert "A — completely reliable" in page.content.decode() and "6 — truth cannot be judged" in page.content.decode()

    response = client.post(_url(person), FORM)

    allegation = Allegation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[person.pk]) + "#allegations"
    assert allegation.status == AllegationStatus.REPORTED and allegation.category == "command_responsibility"
    assert [s.grade for s in allegation.sources.all()] == ["B2", "C3"]
    assert AuditEntry.objects.get(action=AuditAction.RECORD_ALLEGATION).actor == pm


def test_an_allegation_may_come_from_an_incident_logged_about_the_unit(client, pm, person, engagement):
    engagement.recipient = person.recipient
    engagement.save()
    incident = grave_incident(engagement)
    client.force_login(pm)

    response = client.post(_url(person), {**FORM, "incident": incident.pk})

    assert response.status_code == 302
    assert Allegation.objects.get().incident == incident


def test_every_problem_shows_at_once_and_nothing_typed_is_lost(client, pm, person):
    client.force_login(pm)

    response = client.post(_url(person), {
        **FORM, "category": "", "occurred_on": "2099-01-01",
        "source_2_description": "", "source_2_reliability": "C", "source_2_credibility": "",
        "source_3_description": "Radio report", "source_3_reliability": "Z",
    })

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"category", "source_2_description", "source_2_credibility", "source_3_reliability",
                           "source_3_credibility"}
    content = response.content.decode()
    assert "Failed to punish officers who beat detainees at Kael." in content and "Radio report" in content
    assert not Allegation.objects.exists()


def test_the_services_rules_show_beside_their_fields(client, pm, person):
    client.force_login(pm)

    response = client.post(_url(person), {**FORM, "occurred_on": "2099-01-01"})

    assert response.status_code == 400
    assert response.context["form"].errors["occurred_on"] == ["The date is in the future."]
    assert not Allegation.objects.exists()


def test_an_incident_of_another_unit_cannot_be_chosen(client, pm, person, engagement_b):
    client.force_login(pm)

    response = client.post(_url(person), {**FORM, "incident": grave_incident(engagement_b).pk})

    assert response.status_code == 400 and "incident" in response.context["form"].errors


def test_an_auditor_gets_403(client, auditor, person):
    client.force_login(auditor)

    assert client.get(_url(person)).status_code == 403
    assert client.post(_url(person), FORM).status_code == 403
    assert not Allegation.objects.exists()


def test_a_pm_of_another_country_gets_404(client, outsider, person):
    client.force_login(outsider)

    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person), FORM).status_code == 404
    assert not Allegation.objects.exists()
