"""The admin shows each user only what the rest of the app shows them, and the
audit trail cannot be written, changed or deleted through it."""

from datetime import date

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from hrddp.models import AuditEntry
from tests.builders import workflow_records
from tests.factories import FocalPointFactory


@pytest.fixture(autouse=True)
def staff(pm, com, outsider, hq, auditor):
    for user in (pm, com, outsider, hq, auditor):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def _changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _listed(client, user, model):
    client.force_login(user)
    response = client.get(_changelist_url(model))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def _records(engagement, actor):
    """One record of each scoped kind hanging off the engagement, its office or its recipient's country."""
    from hrddp.models import CommandPeriod, Membership, PersonOfInterest

    records = workflow_records(engagement, actor=actor)
    person = PersonOfInterest.objects.create(full_name=f"Commander of {engagement.reference}", recipient=engagement.recipient)
    records.update({
        "project": engagement.project,
        "recipient": engagement.recipient,
        "office": engagement.office,
        "membership": Membership.objects.get(user=actor, office=engagement.office),
        "person of interest": person,
        "command period": CommandPeriod.objects.create(
            person=person, unit=engagement.recipient, position="Commander", start_date=date(2024, 1, 1)
        ),
        "government focal point": FocalPointFactory(office=engagement.office),
    })
    return records


@pytest.fixture
def records_a(pm, engagement):
    return _records(engagement, pm)


@pytest.fixture
def records_b(outsider, engagement_b):
    return _records(engagement_b, outsider)


# Every kind a role may view in the admin (the per-engagement grants are shown to superusers only).
KINDS = [
    "engagement", "support activity", "audit entry", "screening", "preconditions check", "coordination record",
    "risk assessment", "assessment element", "cited source", "risk factor", "mitigation plan", "mitigation measure",
    "intervention procedure", "incident", "intervention case", "exclusion", "letter", "indicator measurement",
    "project", "recipient", "office", "membership", "person of interest", "command period", "government focal point",
    "person alias", "allegation", "allegation source", "allegation status change", "accountability step",
    "incident accountability step", "name screening", "name screening line", "support continuation",
]


@pytest.mark.parametrize("kind", KINDS)
def test_it_returns_404_for_another_offices_record_on_its_change_page(client, pm, records_a, records_b, kind):
    client.force_login(pm)

    assert client.get(_change_url(records_a[kind])).status_code == 200
    assert client.get(_change_url(records_b[kind])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_it_returns_404_to_the_outsider_for_office_as_record(client, outsider, records_a, records_b, kind):
    client.force_login(outsider)

    assert client.get(_change_url(records_a[kind])).status_code == 404
    assert client.get(_history_url(records_a[kind])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_it_leaves_another_offices_records_out_of_the_changelist(client, pm, records_a, records_b, kind):
    listed = _listed(client, pm, type(records_a[kind]))

    assert records_a[kind] in listed
    assert records_b[kind] not in listed


@pytest.mark.parametrize("kind", KINDS)
def test_it_shows_hq_the_records_of_both_offices(client, hq, records_a, records_b, kind):
    listed = _listed(client, hq, type(records_a[kind]))

    assert {records_a[kind], records_b[kind]} <= listed
    assert client.get(_change_url(records_b[kind])).status_code == 200


@pytest.mark.parametrize("kind", ["user grant", "group grant"])
def test_it_shows_the_grants_to_a_superuser_only(client, pm, hq, admin_user, records_a, kind):
    for user, status in ((pm, 403), (hq, 403), (admin_user, 200)):
        client.force_login(user)

        assert client.get(_changelist_url(type(records_a[kind]))).status_code == status
        assert client.get(_change_url(records_a[kind])).status_code == status


def test_it_refuses_a_post_to_another_offices_engagement(client, pm, engagement_b):
    client.force_login(pm)
    title = engagement_b.title

    response = client.post(_change_url(engagement_b), {"title": "Taken over"})

    assert response.status_code == 404
    engagement_b.refresh_from_db()
    assert engagement_b.title == title


def test_it_leaves_other_offices_out_of_a_projects_office_choices(client, pm, office_a, office_b):
    client.force_login(pm)

    response = client.get(reverse("admin:hrddp_project_add"))

    assert set(response.context["adminform"].form.fields["office"].queryset) == {office_a}
    assert "Office B" not in response.content.decode()


def test_it_shows_no_other_offices_focal_point_or_recipient_on_the_engagement_page(
    client, pm, office_b, engagement, engagement_b
):
    FocalPointFactory(office=office_b, full_name="Hélène Marsac")
    client.force_login(pm)

    content = client.get(_change_url(engagement)).content.decode()

    assert "Hélène Marsac" not in content
    assert engagement_b.recipient.name not in content


def test_it_leaves_another_countrys_recipients_out_of_a_persons_recipient_choices(client, pm, engagement, engagement_b):
    client.force_login(pm)

    response = client.get(reverse("admin:hrddp_personofinterest_add"))

    choices = set(response.context["adminform"].form.fields["recipient"].queryset)
    assert engagement.recipient in choices
    assert engagement_b.recipient not in choices


def test_it_leaves_another_countrys_persons_of_interest_and_units_out_of_the_command_period_form(
    client, pm, engagement, engagement_b
):
    from hrddp.models import PersonOfInterest

    person_b = PersonOfInterest.objects.create(
        full_name="Oren Tasko", rank="Major", recipient=engagement_b.recipient, service_number="MC-0042",
    )
    client.force_login(pm)

    response = client.get(reverse("admin:hrddp_commandperiod_add"))

    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert person_b not in set(fields["person"].queryset)
    assert engagement_b.recipient not in set(fields["unit"].queryset)
    assert "Oren Tasko" not in response.content.decode()


def test_it_does_not_let_a_view_only_grant_change_the_engagement_in_the_admin(
    client, outsider, engagement, engagement_b
):
    # The outsider may view office A's engagement; their role (PM) is in office B only.
    assign_perm("hrddp.view_engagement", outsider, engagement)
    client.force_login(outsider)
    url = _change_url(engagement)
    assert client.get(url).status_code == 200

    response = client.post(url, {
        "title": "Renamed by the outsider", "office": engagement_b.office_id, "project": engagement_b.project_id,
        "recipient": engagement.recipient_id, "focal_point": "", "previous_request": "",
        "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0", "activities-MAX_NUM_FORMS": "1000",
    })

    assert response.status_code == 403
    engagement.refresh_from_db()
    assert engagement.title != "Renamed by the outsider"
    assert engagement.office.code == "aaa"


# --- The audit trail is read-only in the admin ----------------------------------


def test_it_offers_no_way_to_add_an_audit_entry(client, pm, records_a):
    client.force_login(pm)

    changelist = client.get(_changelist_url(AuditEntry))
    assert changelist.status_code == 200
    assert changelist.context["has_add_permission"] is False
    assert reverse("admin:hrddp_auditentry_add") not in changelist.content.decode()

    assert client.get(reverse("admin:hrddp_auditentry_add")).status_code == 403
    response = client.post(
        reverse("admin:hrddp_auditentry_add"),
        {"engagement": records_a["engagement"].pk, "actor": pm.pk, "action": "forged", "justification": "x"},
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="forged").exists()


@pytest.mark.parametrize("who", ["pm", "hq", "superuser"])
def test_it_shows_an_audit_entry_read_only_and_refuses_a_change(client, records_a, request, who, admin_user):
    user = admin_user if who == "superuser" else request.getfixturevalue(who)
    entry = records_a["audit entry"]
    client.force_login(user)

    page = client.get(_change_url(entry))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()

    response = client.post(_change_url(entry), {"action": "forged", "justification": "Rewritten.", "actor": user.pk})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.action, entry.justification) == ("open", "Request received.")


@pytest.mark.parametrize("who", ["pm", "hq", "superuser"])
def test_it_refuses_to_delete_an_audit_entry(client, records_a, request, who, admin_user):
    user = admin_user if who == "superuser" else request.getfixturevalue(who)
    entry = records_a["audit entry"]
    client.force_login(user)
    delete_url = reverse("admin:hrddp_auditentry_delete", args=[entry.pk])

    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(_changelist_url(AuditEntry), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- Bounded queries -------------------------------------------------------------------------------------


def _queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["pm", "hq"])
def test_a_changelist_reads_as_many_queries_for_one_engagement_as_for_four(request, client, pm, office_a, who, kind):
    from tests.factories import EngagementFactory

    client.force_login(request.getfixturevalue(who))
    first = _records(EngagementFactory(office=office_a), pm)
    url = _changelist_url(type(first[kind]))
    client.get(url)  # content types and sessions are cached after the first page
    one = _queries_of(client, url)

    for _ in range(3):
        _records(EngagementFactory(office=office_a), pm)

    assert _queries_of(client, url) == one
