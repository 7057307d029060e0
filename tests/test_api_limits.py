"""The API's limits and discovery: calls per token, the page size, the request body's cap, one shape for every
error; the schema and its documentation page, served from the app's own static files."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api_client import api_as
from tests.factories import EngagementFactory


def test_a_token_over_its_rate_gets_429_in_the_error_shape_and_another_token_is_not_slowed(pm, settings):
    settings.API_RATE = "3/minute"
    busy, other = api_as(pm, name="Busy"), api_as(pm, name="Quiet")
    cache.clear()

    answers = [busy.get("/api/v1/offices/").status_code for _ in range(4)]
    refused = busy.get("/api/v1/offices/")

    assert answers == [200, 200, 200, 429]
    assert refused.json()["error"]["code"] == "throttled" and "Retry-After" in refused
    assert other.get("/api/v1/offices/").status_code == 200


def test_a_page_holds_at_most_200_rows(office_a, pm):
    for _ in range(3):
        EngagementFactory(office=office_a)
    client = api_as(pm)

    capped = client.get("/api/v1/engagements/", {"page_size": 100000})
    small = client.get("/api/v1/engagements/", {"page_size": 2})

    assert capped.status_code == 200 and len(capped.json()["results"]) == 3
    assert len(small.json()["results"]) == 2 and small.json()["next"]


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(pm, engagement, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_as(pm)

    response = client.post(
        f"/api/v1/engagements/{engagement.pk}/transitions/start_screening/",
        {"justification": "x" * 5000, "revision": 0}, format="json",
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_body_that_is_not_json_is_400_in_the_error_shape(pm, engagement):
    response = api_as(pm).generic(
        "POST", f"/api/v1/engagements/{engagement.pk}/transitions/start_screening/", "{not json",
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]) >= {"code", "message"}


@pytest.mark.parametrize("who", ["pm", "auditor", "outsider"])
def test_the_schema_describes_every_endpoint_to_anyone_signed_in(request, who):
    response = api_as(request.getfixturevalue(who)).get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/engagements/{id}/transitions/{name}/" in paths
    assert "/api/v1/incidents/{id}/" in paths and "/api/v1/letters/{id}/pdf/" in paths


def test_the_schema_and_docs_need_a_signed_in_user(db):
    assert APIClient().get("/api/schema/").status_code == 401


def test_the_documentation_page_loads_its_assets_from_the_apps_own_static_files(client, pm):
    client.force_login(pm)

    page = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_the_documentation_page_carries_no_inline_script_or_style(client, pm):
    client.force_login(pm)

    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert "<style" not in page and "<script>" not in page
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
