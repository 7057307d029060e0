"""The admin does not leak confidential details: a staff user without the engagement's confidential
access cannot recover a victim's, a witness's or a source's name from any admin page, by filtering,
searching or sorting a changelist (a lookup the page does not offer is refused with a 400, the same
for a probe that would match as for one that would not), and list filters name only the user's own
offices and records."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from hrddp.admin_scoping import offered_lookups
from hrddp.models import AuditEntry, Engagement, Office, PersonOfInterest, Project, Recipient, SupportActivity
from interventions.models import CriticalDifficultyReport, Exclusion, IntercessionCommunication, InterventionCase
from monitoring.models import CONFIDENTIAL_FIELDS, CorroboratingSource, GraveViolationDetermination, Incident
from register.models import AccountabilityStep, Allegation, AllegationSource, AllegationStatusChange
from tests.builders import workflow_records
from tests.test_incident_helpers import grant

VICTIM = "MARKER-VICTIM-9f3"
WITNESS = "MARKER-WITNESS-9f3"
SOURCE = "MARKER-SOURCE-9f3"
MARKERS = {"victims": VICTIM, "witnesses": WITNESS, "source_details": SOURCE}
# Not under the confidential grant (shown on the change page, as on the app's pages, to whoever sees the
# record) but never to be probed, listed or searched in the admin either.
ALLEGATION = "MARKER-ALLEGATION-9f3"
EXCLUSION_REASON = "MARKER-EXCLUSION-9f3"
SENSITIVE = {
    Incident: set(CONFIDENTIAL_FIELDS),
    Allegation: {"summary"},
    AllegationSource: {"description"},
    Exclusion: {"reason", "lift_reason"},
    CorroboratingSource: {"description"},
    GraveViolationDetermination: {"reasons", "withdrawal_reason"},
    CriticalDifficultyReport: {"circumstances", "measures", "recommendations"},
    IntercessionCommunication: {"summary"},
}

OUR_APPS = {"hrddp", "assessments", "mitigation", "monitoring", "interventions", "portfolio", "imports", "register"}


@pytest.fixture(autouse=True)
def staff(pm, com, outsider, hq, auditor):
    for user in (pm, com, outsider, hq, auditor):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@pytest.fixture
def records(pm, engagement):
    """Office A's workflow records; its incident names a victim, a witness and a source; a person of interest
    with substantiated allegations is implicated in it, and an exclusion gives its reason."""
    records = workflow_records(engagement, actor=pm)
    incident = records["incident"]
    Incident.objects.filter(pk=incident.pk).update(victims=VICTIM, witnesses=WITNESS, source_details=SOURCE)
    person = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=engagement.recipient)
    allegation = Allegation.objects.create(person=person, category="gross_violations", summary=ALLEGATION,
                                           status="substantiated")
    AllegationSource.objects.create(allegation=allegation, description=ALLEGATION, source_reliability="B",
                                    information_credibility="2")
    incident.persons_implicated.add(person)
    Exclusion.objects.filter(pk=records["exclusion"].pk).update(reason=EXCLUSION_REASON)
    # A second incident without any of them, so that a lookup applied would change the row count.
    Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient, occurred_on=incident.occurred_on,
        description="Another allegation.", channel=incident.channel, victims="Someone else",
    )
    records["person of interest"] = person
    return records


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _page(obj, view):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def _without_csrf_token(response) -> str:
    # The token is masked afresh on every response.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _assert_no_marker(response, *markers, echoed=""):
    # `echoed`: what the user typed, which the page shows back (e.g. in the search box).
    content = response.content.decode().replace(echoed, "") if echoed else response.content.decode()
    for marker in markers or (*MARKERS.values(), ALLEGATION, EXCLUSION_REASON):
        assert marker not in content, f"{marker} leaked in {response.request['PATH_INFO']}"


# --- Probing a changelist's query string -------------------------------------------------------------

# (changelist, path to the sensitive field, the marker it holds)
PROBES = [
    *[(Incident, name, MARKERS[name]) for name in CONFIDENTIAL_FIELDS],
    (Incident, "engagement__incidents__victims", VICTIM),
    (Engagement, "incidents__victims", VICTIM),
    (Engagement, "incidents__source_details", SOURCE),
    (Recipient, "incidents__witnesses", WITNESS),
    (PersonOfInterest, "incidents__victims", VICTIM),
    (InterventionCase, "incidents__victims", VICTIM),
    (Project, "engagements__incidents__victims", VICTIM),
    (Office, "engagements__incidents__source_details", SOURCE),
    (AuditEntry, "engagement__incidents__victims", VICTIM),
    (SupportActivity, "engagement__incidents__witnesses", WITNESS),
    (Exclusion, "case__incidents__victims", VICTIM),
    (PersonOfInterest, "allegations__summary", ALLEGATION),
    (Recipient, "persons_of_interest__allegations__summary", ALLEGATION),
    (Allegation, "summary", ALLEGATION),
    (Allegation, "sources__description", ALLEGATION),
    (AllegationSource, "description", ALLEGATION),
    (AllegationStatusChange, "allegation__summary", ALLEGATION),
    (AccountabilityStep, "allegation__summary", ALLEGATION),
    (Exclusion, "reason", EXCLUSION_REASON),
    (Recipient, "exclusions__reason", EXCLUSION_REASON),
]

# lookup -> (a value that matches the marker, a value that does not)
LOOKUPS = {
    "": (lambda m: m, lambda m: "nothing-like-it"),
    "exact": (lambda m: m, lambda m: "nothing-like-it"),
    "iexact": (lambda m: m.lower(), lambda m: "nothing-like-it"),
    "contains": (lambda m: m[7:12], lambda m: "zq"),
    "icontains": (lambda m: m[7:12].lower(), lambda m: "zq"),
    "startswith": (lambda m: m[:3], lambda m: "zq"),
    "istartswith": (lambda m: m[:3].lower(), lambda m: "zq"),
    "endswith": (lambda m: m[-3:], lambda m: "zq"),
    "iendswith": (lambda m: m[-3:].upper(), lambda m: "zq"),
    "regex": (lambda m: "^MARK", lambda m: "^zq"),
    "iregex": (lambda m: "^mark", lambda m: "^zq"),
    "in": (lambda m: m, lambda m: "nothing-like-it"),
    "gt": (lambda m: "A", lambda m: "zzzz"),
    "gte": (lambda m: "MARKER", lambda m: "zzzz"),
    "lt": (lambda m: "zzzz", lambda m: "A"),
    "isnull": (lambda m: "False", lambda m: "True"),
}


def _probe_id(value):
    return value.__name__ if isinstance(value, type) else str(value) or "plain"


@pytest.mark.parametrize("lookup", list(LOOKUPS), ids=_probe_id)
@pytest.mark.parametrize("model, path, marker", PROBES, ids=_probe_id)
def test_it_refuses_a_probe_of_a_sensitive_field_alike_whether_it_matches_or_not(
    client, pm, hq, records, model, path, marker, lookup
):
    matching, not_matching = (make(marker) for make in LOOKUPS[lookup])
    key = f"{path}__{lookup}" if lookup else path
    # Given a staff user of the office, or HQ, without the confidential grant
    for user in (pm, hq):
        client.force_login(user)

        # When they filter the changelist by the field, with a value that matches and one that does not
        hit = client.get(_changelist(model), {key: matching})
        miss = client.get(_changelist(model), {key: not_matching})

        # Then both are refused alike, and nothing of the field shows
        assert hit.status_code == miss.status_code == 400, user
        assert hit.content == miss.content
        _assert_no_marker(hit)


def _changelists():
    """Every admin changelist of the app's models a role may open (accounts and grants: superusers only)."""
    return [
        pytest.param(model, id=model._meta.label)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS and model._meta.model_name not in {
            "user", "engagementuserobjectpermission", "engagementgroupobjectpermission",
        }
    ]


@pytest.mark.parametrize("model", _changelists())
@pytest.mark.parametrize("who", ["pm", "hq"])
def test_it_finds_nothing_more_by_searching_for_a_sensitive_value(request, client, records, who, model):
    client.force_login(request.getfixturevalue(who))

    counts = []
    for term in (VICTIM, WITNESS, SOURCE, ALLEGATION, EXCLUSION_REASON, "nothing-like-it"):
        response = client.get(_changelist(model), {"q": term})
        assert response.status_code == 200
        _assert_no_marker(response, echoed=term)
        counts.append(response.context["cl"].result_count)

    assert len(set(counts)) == 1


@pytest.mark.parametrize("model", _changelists())
@pytest.mark.parametrize("who", ["pm", "hq"])
def test_it_sorts_and_counts_without_showing_a_sensitive_value(request, client, records, who, model):
    client.force_login(request.getfixturevalue(who))
    model_admin = admin.site._registry[model]
    columns = len(model_admin.list_display) + 2

    for order in [*map(str, range(columns)), "-1", "1.-2.3", "victims", "source_details", "-victims"]:
        response = client.get(_changelist(model), {"o": order})
        assert response.status_code == 200
        _assert_no_marker(response)
    facets = client.get(_changelist(model), {"_facets": "True"})
    assert facets.status_code == 200
    _assert_no_marker(facets)


@pytest.mark.parametrize("who", ["pm", "hq"])
def test_it_shows_no_confidential_detail_on_the_incidents_pages_without_the_grant(request, client, records, who):
    client.force_login(request.getfixturevalue(who))
    incident = records["incident"]

    for url in (
        _page(incident, "change"),
        _page(incident, "history"),
        _page(incident, "change") + "?_changelist_filters=victims__icontains%3DMARKER",
        _changelist(Incident),
        _page(records["engagement"], "change"),
        _page(records["intervention case"], "change"),
        _page(records["person of interest"], "change"),
        _page(records["exclusion"], "change"),
        reverse("admin:index"),
        reverse("admin:app_list", args=["monitoring"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_marker(response, *MARKERS.values())

    assert client.get(_page(incident, "delete")).status_code == 403


def test_with_the_grant_the_change_page_shows_them_and_the_changelist_still_does_not(client, pm, records):
    # The markers are really there: the grant shows them on the change page, and only there.
    grant(pm, records["engagement"])
    client.force_login(pm)

    change = client.get(_page(records["incident"], "change")).content.decode()
    assert all(marker in change for marker in MARKERS.values())
    _assert_no_marker(client.get(_changelist(Incident)), *MARKERS.values())
    assert client.get(_changelist(Incident), {"victims__icontains": "VICTIM"}).status_code == 400


def test_who_or_what_a_corroborating_source_is_shows_only_with_the_grant(client, pm, records):
    # Given a corroborating source whose description names the source
    source = records["corroborating source"]
    CorroboratingSource.objects.filter(pk=source.pk).update(description=SOURCE)
    client.force_login(pm)

    # Then its change page hides it without the engagement's confidential access, and shows it with it
    _assert_no_marker(client.get(_page(source, "change")), SOURCE)
    grant(pm, records["engagement"])
    assert SOURCE in client.get(_page(source, "change")).content.decode()


@pytest.mark.parametrize("who", ["pm", "hq", "outsider"])
def test_the_view_on_site_path_answers_alike_for_an_incident_and_for_none(request, client, records, who):
    client.force_login(request.getfixturevalue(who))
    content_type = ContentType.objects.get_for_model(Incident)

    existing = client.get(reverse("admin:view_on_site", args=[content_type.pk, records["incident"].pk]))
    missing = client.get(reverse("admin:view_on_site", args=[content_type.pk, 999999]))

    assert existing.status_code == missing.status_code == 404
    assert _without_csrf_token(existing) == _without_csrf_token(missing)


def test_the_autocomplete_finds_no_incident_by_a_confidential_value(client, pm, records):
    client.force_login(pm)

    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "monitoring", "model_name": "incident", "field_name": "recipient", "term": "MARKER",
    })

    assert response.status_code in (200, 403)
    _assert_no_marker(response)


# --- What each admin lists, searches, sorts and filters on ------------------------------------------


def _reaches_a_sensitive_field(model, path: str) -> bool:
    try:
        fields = get_fields_from_path(model, path)
    except (FieldDoesNotExist, Exception):
        return False
    for field in fields:
        owner = getattr(field, "model", None)
        if field.name in SENSITIVE.get(owner, set()):
            return True
    return False


def _paths(model_admin) -> list[str]:
    paths = []
    for attribute in ("list_display", "list_display_links", "list_editable", "search_fields", "ordering",
                      "sortable_by", "list_filter"):
        for item in getattr(model_admin, attribute, None) or ():
            item = item[0] if isinstance(item, (list, tuple)) else item
            if isinstance(item, str):
                paths.append(item.lstrip("-^=@"))
    if model_admin.date_hierarchy:
        paths.append(model_admin.date_hierarchy)
    return paths


def test_no_admin_lists_searches_sorts_or_filters_on_a_sensitive_field():
    for model, model_admin in admin.site._registry.items():
        for path in _paths(model_admin):
            assert not _reaches_a_sensitive_field(model, path), f"{model._meta.label}: {path}"


def test_a_changelist_offers_no_lookup_on_a_sensitive_field(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        for lookup in offered_lookups(model_admin, request):
            path = lookup.rsplit("__", 1)[0] if "__" in lookup else lookup
            assert not _reaches_a_sensitive_field(model, path), f"{model._meta.label}: {lookup}"


# --- The filters a changelist offers still work, and name only the user's own records ----------------


@pytest.mark.parametrize("model", _changelists())
@pytest.mark.parametrize("who", ["pm", "hq"])
def test_it_answers_every_filter_and_date_the_changelist_offers(request, client, records, who, model):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_changelist(model))
    assert response.status_code == 200
    cl = response.context["cl"]

    links = [choice["query_string"] for spec in cl.filter_specs for choice in spec.choices(cl)]
    if admin.site._registry[model].date_hierarchy:
        links.append(f"?{admin.site._registry[model].date_hierarchy}__year=2026")

    for link in links:
        assert client.get(_changelist(model) + link).status_code == 200, link


@pytest.fixture
def records_b(outsider, engagement_b):
    engagement_b.recipient.name = "Meridian Coast Guard"
    engagement_b.recipient.save(update_fields=["name"])
    records = workflow_records(engagement_b, actor=outsider)
    PersonOfInterest.objects.create(full_name="Oren Tasko", recipient=engagement_b.recipient)
    return records


@pytest.mark.parametrize("model", _changelists())
def test_an_office_a_staff_user_sees_no_office_b_name_in_a_changelist_or_its_filters(
    client, pm, records, records_b, office_b, model
):
    client.force_login(pm)

    for query in ({}, {"_facets": "True"}):
        content = client.get(_changelist(model), query).content.decode()
        for name in (office_b.name, office_b.country, "Meridian Coast Guard", "Oren Tasko", "pm.b"):
            assert name not in content, f"{name} in the {model._meta.label} changelist"


@pytest.fixture
def office_c(pm):
    """A second office of the project manager, so that the office filter has a choice to offer."""
    from hrddp.models import Membership, Role
    from tests.factories import EngagementFactory, OfficeFactory

    office = OfficeFactory(code="ccc", name="Office C", country="Darvonia")
    Membership.objects.create(user=pm, role=Role.PROJECT_MANAGER, office=office)
    EngagementFactory(office=office)
    return office


def _office_filter(client, user):
    client.force_login(user)
    cl = client.get(_changelist(Engagement)).context["cl"]
    [office_filter] = [spec for spec in cl.filter_specs if getattr(spec, "field_path", "") == "office"]
    return {label for _, label in office_filter.lookup_choices}


def test_the_engagement_changelists_office_filter_lists_only_the_users_offices(
    client, pm, office_a, office_c, records, records_b
):
    assert _office_filter(client, pm) == {office_a.name, office_c.name}


def test_hq_sees_every_office_in_the_engagement_changelists_office_filter(
    client, hq, office_a, office_b, records, records_b
):
    assert _office_filter(client, hq) == {office_a.name, office_b.name}


def test_an_office_filter_naming_another_office_finds_nothing(client, pm, office_c, records, records_b, office_b):
    client.force_login(pm)

    response = client.get(_changelist(Engagement), {"office__id__exact": office_b.pk})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert office_b.name not in response.content.decode()
