"""No input gives a server error in the admin either: junk in a changelist's query string (its search,
its filters, its dates, its page and its sorting), in a record's address and in a reference-data form
answers with a page or a 4xx, never a 5xx, on SQLite as on PostgreSQL."""

import pytest
from django.contrib import admin
from django.urls import reverse

from hrddp.admin_scoping import offered_lookups
from tests.builders import workflow_records

JUNK = ["a\x00b", "9999-12-31", "9" * 40, "x" * 5_000, "<script>alert(1)</script>' OR 1=1 --(?P<x>[", "", "-1"]
OUR_APPS = {"hrddp", "assessments", "mitigation", "monitoring", "interventions", "portfolio", "imports", "register"}


@pytest.fixture(autouse=True)
def staff(pm):
    pm.is_staff = True
    pm.save(update_fields=["is_staff"])


@pytest.fixture
def records(pm, engagement):
    return workflow_records(engagement, actor=pm)


def _admins():
    return [
        pytest.param(model, id=model._meta.label)
        for model in admin.site._registry
        if model._meta.app_label in OUR_APPS
    ]


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize("model", _admins())
def test_a_changelist_answers_junk_in_its_query_string_without_a_server_error(client, rf, admin_user, records, model):
    client.force_login(admin_user)
    url = _changelist(model)
    model_admin = admin.site._registry[model]
    request = rf.get(url)
    request.user = admin_user
    lookups = sorted(offered_lookups(model_admin, request))

    for junk in JUNK:
        for params in ({"q": junk}, {"p": junk}, {"o": junk}, {"_facets": junk}, {"all": junk},
                       {"_to_field": junk}, {"e": junk}, *({lookup: junk} for lookup in lookups)):
            _no_server_error(client.get(url, params), f"{url} {params!r}"[:200])
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        for date in ({"year": "9999", "month": "12"}, {"year": "9999", "month": "12", "day": "31"},
                     {"year": "0"}, {"year": "1", "month": "13"}, {"year": "2026", "month": "2", "day": "30"},
                     {"year": "9" * 30}):
            params = {f"{field}__{part}": value for part, value in date.items()}
            _no_server_error(client.get(url, params), f"{url} {params!r}")


def test_the_autocomplete_answers_junk_without_a_server_error(client, pm, records):
    client.force_login(pm)

    for junk in JUNK:
        response = client.get(reverse("admin:autocomplete"), {
            "app_label": "monitoring", "model_name": "incident", "field_name": "recipient", "term": junk,
        })
        _no_server_error(response, f"autocomplete {junk[:20]!r}")


@pytest.mark.parametrize("model", _admins())
def test_a_record_address_that_is_junk_is_not_found(client, admin_user, model):
    client.force_login(admin_user)
    opts = model._meta

    for junk in ["a\x00b", "9" * 40, "-1", "0", "x" * 300]:
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=["PLACEHOLDER"])
            response = client.get(url.replace("PLACEHOLDER", junk.replace("\x00", "%00")))
            _no_server_error(response, f"{view} {junk[:20]!r}")


@pytest.mark.parametrize("who", ["pm", "admin_user"])
@pytest.mark.parametrize("junk", JUNK, ids=["nul", "far_date", "huge_number", "long_text", "markup", "empty", "minus"])
def test_a_reference_form_answers_junk_in_every_field_without_a_server_error(request, client, engagement, who, junk):
    client.force_login(request.getfixturevalue(who))

    for model in (admin.site._registry.keys()):
        if model._meta.app_label not in OUR_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        page = client.get(url)
        if page.status_code != 200:
            continue
        names = list(page.context["adminform"].form.fields)
        data = {name: junk for name in names}
        data.update({
            f"{formset.formset.prefix}-{key}": value
            for formset in page.context["inline_admin_formsets"]
            for key, value in {"TOTAL_FORMS": "1", "INITIAL_FORMS": "0"}.items()
        })
        for formset in page.context["inline_admin_formsets"]:
            data.update({f"{formset.formset.prefix}-0-{name}": junk for name in formset.formset.form.base_fields})
        _no_server_error(client.post(url, data), f"{model._meta.label} {junk[:20]!r}")
