"""Adding a source to an allegation, graded (reliability A-F, credibility 1-6): who may, every problem at once,
a 404 for another country."""

from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry
from register.models import AllegationSource
from tests.test_person_helpers import force, person, reported, unit  # noqa: F401 - fixtures

FORM = {"description": "UNMISS human rights report", "reliability": "A", "credibility": "1"}


def _url(allegation):
    return reverse("allegation_source_new", args=[allegation.pk])


def test_a_chief_of_mission_adds_a_graded_source(client, pm, com, person):
    allegation = reported(pm, person)
    client.force_login(com)
    page = client.get(_url(allegation))
    assert page.status_code == 200 and "OHCHR report, March 2026" in page.content.decode()

    response = client.post(_url(allegation), FORM)

    assert response.status_code == 302
    assert response["Location"].endswith(f"#allegation-{allegation.pk}")
    assert [s.grade for s in allegation.sources.all()] == ["B2", "A1"]
    assert AuditEntry.objects.get(action=AuditAction.ADD_ALLEGATION_SOURCE).details["grade"] == "A1"


def test_every_problem_shows_at_once(client, pm, person):
    allegation = reported(pm, person)
    client.force_login(pm)

    response = client.post(_url(allegation), {"description": "", "reliability": "Q", "credibility": ""})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"description", "reliability", "credibility"}
    assert AllegationSource.objects.count() == 1


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
    assert AllegationSource.objects.count() == 1
