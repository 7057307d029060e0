"""The API against its own OpenAPI schema, by a property-based fuzzer (schemathesis): for every operation, a
bounded number of generated requests as a project manager, a Chief of Mission and an auditor, on a portfolio
with a record of every kind in two offices. No answer is a server error, and every answer conforms to the
schema (its status code, content type and body). Requests that break the schema on purpose (negative mode:
wrong types, missing fields, out-of-range values) must be refused cleanly, never with a server error."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_client import token_for
from tests.builders import workflow_records
from tests.factories import EngagementFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Generated requests per operation, role and mode: 35 operations × 3 roles × 2 modes × this stays under two minutes.
EXAMPLES = 8


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, kept from closing the test's database connection at the end of each request (as
    Django's own test client does): the test's transaction, and its data, must outlive the requests."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def portfolio(office_a, office_b, pm, outsider, settings):
    # The fuzzer calls far faster than any client may: the limit is tested on its own (tests/test_api_limits.py).
    settings.API_RATE = "100000/minute"
    cache.clear()
    workflow_records(EngagementFactory(office=office_a), actor=pm)
    workflow_records(EngagementFactory(office=office_b), actor=outsider)


def _fuzzer(strategy, checks, auth, calls):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def fuzz(case):
        response = case.call(headers=auth)
        calls["requests"] += 1
        case.validate_response(response, checks=checks, headers=auth)

    return fuzz


@pytest.mark.parametrize("who", ["pm", "com", "auditor"])
def test_no_operation_answers_a_server_error_or_outside_its_schema(request, portfolio, wsgi_app, who):
    user = request.getfixturevalue(who)
    _token, secret = token_for(user, name=f"Fuzzing as {who}")
    # The WSGI transport hands schemathesis the body as sent: a gzip-compressed one (GZipMiddleware) it cannot read.
    auth = {"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    calls = {"requests": 0}

    for operation in operations:
        for mode, checks in ((GenerationMode.POSITIVE, CHECKS), (GenerationMode.NEGATIVE, [not_a_server_error])):

            fuzz = _fuzzer(operation.as_strategy(generation_mode=mode), checks, auth, calls)
            fuzz()

    print(f"schemathesis as {who}: {len(operations)} operations, {calls['requests']} requests")
    assert len(operations) >= 30
