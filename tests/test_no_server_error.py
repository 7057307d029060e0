"""No input gives a server error: every page of the app, reached by every kind of user on the demo's
records, answers junk in the query string and junk in each of its form's fields with a page or a 4xx,
never a 5xx. A small fuzzer over the URL configuration; it loads the demo once."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hrddp.demo import demo_load
from hrddp.models import Engagement, State, User

# What a hostile or careless client sends in a field.
JUNK = {
    "nul": "a\x00b",
    "far_date": "9999-12-31",
    "huge_number": "9" * 40,
    "long_text": "x" * 20_000,
    "markup": "<script>alert(1)</script>' OR 1=1 --(?P<x>[",
    "empty": "",
}
# Junk in the query string: all of it at once, and the page number alone.
QUERY_JUNK = [
    {"sort": "victims", "start": "9999-12-31", "end": "0001-01-01", "office": "x", "q": "(" * 30 + "\x00",
     "victims__icontains": "a", "next": "//evil.example", "state": "nowhere", "category": "\x00"},
    {"page": "9" * 30},
]
FIELD = re.compile(r'name="([^"]+)"')
# Who posts junk into every form: the office's project manager and Chief of Mission. Who only reads:
# HQ, and a project manager of another office (for whom every page of Darvonia's records is a 404).
POSTING = {"pm.darvonia": True, "com.darvonia": True, "hq": False, "pm.meridia": False}
# The demo's engagements with the most behind them: support active with letters and incidents, an
# intervention case, and one awaiting the Chief of Mission.
STATES = [State.ACTIVE, State.INTERCESSION, State.ENDORSEMENT]


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # the admin has its own confidentiality and read-only tests
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), entry


def _kwargs_for(route: str, engagement: Engagement) -> list[dict]:
    """Concrete arguments for a route on one engagement: its first letter, incident, case, exclusion..."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    values = {
        "pk": [engagement.pk],
        "letter_pk": list(engagement.letters.values_list("pk", flat=True)[:1]) or [999999],
        "incident_pk": list(engagement.incidents.values_list("pk", flat=True)[:1]) or [999999],
        "case_pk": list(engagement.intervention_cases.values_list("pk", flat=True)[:1]) or [999999],
        "exclusion_pk": list(engagement.exclusions.values_list("pk", flat=True)[:1]) or [999999],
        "report_pk": [1],
        "user_pk": [User.objects.get(username="pm.darvonia").pk],
        "version": [1],
        "quarter": ["2026-Q3", "not-a-quarter"],
        "name": ["endorse", "withdraw_request", "no-such-step"],
        "kind": ["engagements", "incidents", "recipients", "nothing"],
        "fmt": ["csv", "xlsx", "pdf"],
        "file_format": ["csv", "xlsx", "exe"],
    }
    combos = [{}]
    for name in names:
        combos = [{**c, name: v} for c in combos for v in values.get(name, ["1"])]
    return combos[:3]


def _fields(page) -> list[str]:
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
        return ["x"]
    names = set(FIELD.findall(page.content.decode(errors="replace"))) - {"csrfmiddlewaretoken"}
    return sorted(names) or ["x"]


def test_no_page_answers_junk_with_a_server_error(db):
    demo_load()
    engagements = [Engagement.objects.filter(state=state).order_by("pk").first() for state in STATES]
    failures, requests = [], 0

    for username, posting in POSTING.items():
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route, pattern in _patterns():
            # Routes without an engagement are reached once; the engagement's pages on each engagement.
            for engagement in engagements if "<int:pk>" in route else engagements[:1]:
                for kwargs in _kwargs_for(route, engagement):
                    url = reverse(pattern.name, kwargs=kwargs)
                    for query in QUERY_JUNK:
                        requests += 1
                        response = client.get(url, query)
                        if response.status_code >= 500:
                            failures.append(("GET", username, url, query, response.status_code))
                    if not posting:
                        continue
                    fields = _fields(client.get(url))
                    for label, value in JUNK.items():
                        requests += 1
                        response = client.post(url, {name: value for name in fields})
                        if response.status_code >= 500:
                            failures.append(("POST", username, url, label, response.status_code))
                    client.force_login(user)  # in case the junk signed the user out

    assert requests > 1000
    assert not failures, "\n".join(map(str, failures[:40]))
