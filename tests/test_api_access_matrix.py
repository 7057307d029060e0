"""Every endpoint of the router, as the owner (project manager), the colleague (Chief of Mission), the auditor
and the outsider (another office): the outsider finds the record in no list and gets 404 on its detail; the
auditor gets 403 on every write, whatever the endpoint."""

import pytest

from api.urls import router
from hrddp.models import Notification
from monitoring.models import IndicatorMeasurement
from tests.api_client import api_as
from tests.builders import workflow_records

# The record of office A's engagement each endpoint shows, by the router's basename.
RECORD_OF = {
    "api-office": lambda r: r["engagement"].office,
    "api-recipient": lambda r: r["engagement"].recipient,
    "api-project": lambda r: r["engagement"].project,
    "api-engagement": lambda r: r["engagement"],
    "api-activity": lambda r: r["support activity"],
    "api-screening": lambda r: r["screening"],
    "api-preconditions": lambda r: r["preconditions check"],
    "api-coordination": lambda r: r["coordination record"],
    "api-risk-assessment": lambda r: r["risk assessment"],
    "api-mitigation-plan": lambda r: r["mitigation plan"],
    "api-measure": lambda r: r["mitigation measure"],
    "api-incident": lambda r: r["incident"],
    "api-indicator": lambda r: r["indicator measurement"],
    "api-intervention-case": lambda r: r["intervention case"],
    "api-letter": lambda r: r["letter"],
    "api-notification": lambda r: r["notification"],
}
ROUTES = [(prefix, basename) for prefix, _viewset, basename in router.registry]
# Who sees office A's records: the office's own roles and those who see every office; a notification is its
# addressee's alone.
SEES = {"pm": True, "com": True, "auditor": True, "outsider": False}
OWN_ONLY = {"api-notification"}
# The lists that take a new record (opening a request, logging an incident, entering figures, adding a measure).
TAKES_NEW = {"api-engagement", "api-incident", "api-indicator", "api-measure"}


@pytest.fixture
def records(engagement, pm):
    records = workflow_records(engagement, actor=pm)
    records["indicator measurement"] = IndicatorMeasurement.objects.filter(engagement=engagement).first()
    records["notification"] = Notification.objects.create(
        user=pm, kind="step", engagement=engagement, title="Screening started", dedupe_key="matrix"
    )
    return records


@pytest.fixture
def people(pm, com, auditor, outsider):
    return {"pm": pm, "com": com, "auditor": auditor, "outsider": outsider}


def test_every_route_of_the_router_is_in_the_matrix():
    assert {basename for _prefix, basename in ROUTES} == set(RECORD_OF)


@pytest.mark.parametrize("who", list(SEES))
@pytest.mark.parametrize("prefix,basename", ROUTES)
def test_a_record_is_listed_and_shown_to_those_who_see_it_and_404_to_the_others(records, people, who, prefix, basename):
    record = RECORD_OF[basename](records)
    sees = SEES[who] if basename not in OWN_ONLY else who == "pm"
    client = api_as(people[who])

    listed = client.get(f"/api/v1/{prefix}/", {"page_size": 200})
    detail = client.get(f"/api/v1/{prefix}/{record.pk}/")

    assert listed.status_code == 200
    assert (record.pk in {row["id"] for row in listed.json()["results"]}) is sees
    assert detail.status_code == (200 if sees else 404)
    if not sees:
        assert detail.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("prefix,basename", ROUTES)
def test_the_auditor_gets_403_on_every_write(records, auditor, prefix, basename):
    record = RECORD_OF[basename](records)
    client = api_as(auditor)

    answers = [
        client.post(f"/api/v1/{prefix}/", {}, format="json").status_code,
        client.put(f"/api/v1/{prefix}/{record.pk}/", {}, format="json").status_code,
        client.patch(f"/api/v1/{prefix}/{record.pk}/", {}, format="json").status_code,
        client.delete(f"/api/v1/{prefix}/{record.pk}/").status_code,
    ]

    assert answers == [403, 403, 403, 403]


@pytest.mark.parametrize("prefix,basename", ROUTES)
def test_a_write_the_endpoint_does_not_take_is_405_for_the_owner_and_an_empty_new_record_400(records, pm, prefix, basename):
    record = RECORD_OF[basename](records)
    client = api_as(pm)

    assert client.post(f"/api/v1/{prefix}/", {}, format="json").status_code == (400 if basename in TAKES_NEW else 405)
    assert client.put(f"/api/v1/{prefix}/{record.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/{prefix}/{record.pk}/").status_code == 405


def test_an_issued_letters_stored_pdf_is_404_for_the_outsider_and_for_a_draft(records, pm, outsider):
    letter = records["letter"]

    assert api_as(outsider).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 404
    # The builder's letter is issued without a stored file: there is nothing to serve.
    assert api_as(pm, name="Another").get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 404


def test_an_address_under_the_api_that_is_not_there_is_a_json_404(pm):
    response = api_as(pm).get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_outsiders_history_and_step_are_404(records, outsider):
    engagement = records["engagement"]
    client = api_as(outsider)

    assert client.get(f"/api/v1/engagements/{engagement.pk}/history/").status_code == 404
    assert client.post(
        f"/api/v1/engagements/{engagement.pk}/transitions/start_screening/", {"justification": "x", "revision": 0},
        format="json",
    ).status_code == 404

