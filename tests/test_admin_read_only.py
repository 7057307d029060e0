"""The admin is a tool for reference data, not a back door: the records that carry the workflow are
shown there and nothing more (no add, no change, no delete, no bulk action, for a superuser as
well), and every add, change or delete of reference data writes one audit entry in the transaction
of the write."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import AssessmentStatus
from hrddp.admin_scoping import AuditedAdminMixin, OfferedLookupsOnlyMixin, ScopedAdmin
from hrddp.models import (
    AuditEntry,
    CommandPeriod,
    Engagement,
    GovernmentFocalPoint,
    Membership,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    Role,
    User,
)
from interventions.models import Exclusion
from monitoring.models import Incident
from tests.builders import complete_assessment, complete_plan, workflow_records
from tests.factories import RecipientFactory

# What the admin may still change: offices, people and their roles, recipients and their people, projects.
REFERENCE_MODELS = {Office, Membership, User, Recipient, PersonOfInterest, CommandPeriod, GovernmentFocalPoint, Project}
OUR_APPS = {"hrddp", "assessments", "mitigation", "monitoring", "interventions", "portfolio", "imports", "register"}

WORKFLOW_KINDS = [
    "engagement", "support activity", "screening", "preconditions check", "coordination record", "risk assessment",
    "assessment element", "cited source", "risk factor", "mitigation plan", "mitigation measure",
    "intervention procedure", "incident", "intervention case", "exclusion", "letter", "indicator measurement",
    "audit entry", "user grant", "group grant",
    "person alias", "allegation", "allegation source", "allegation status change", "accountability step",
    "incident accountability step", "name screening", "name screening line", "support continuation",
    "grave violation determination", "corroborating source", "intercession communication",
    "critical difficulty report",
]
GRANT_KINDS = {"user grant", "group grant"}


@pytest.fixture(autouse=True)
def staff(pm, com, outsider, hq):
    for user in (pm, com, outsider, hq):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@pytest.fixture
def records(pm, engagement):
    return workflow_records(engagement, actor=pm)


def _url(model_or_obj, view, *args):
    opts = model_or_obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _who(request, who):
    return request.getfixturevalue("admin_user" if who == "superuser" else who)


def _cases():
    # The per-engagement grants are shown to superusers only; every role views the other kinds.
    return [
        pytest.param(kind, who, id=f"{kind}-{who}")
        for kind in WORKFLOW_KINDS
        for who in (["superuser"] if kind in GRANT_KINDS else ["superuser", "pm", "com", "hq"])
    ]


def _snapshot(obj):
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in obj._meta.concrete_fields}


def _post_data(obj) -> dict:
    """The record's own fields as a change form would post them, with a title changed where there is one."""
    data = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        data[field.name] = "" if value is None else str(value)
    for name in ("title", "description", "reason", "justification", "citation", "narrative"):
        if name in data:
            data[name] = "Rewritten in the administration"
    return data


# --- Workflow records: shown, never written ---------------------------------------------------------


@pytest.mark.parametrize("kind, who", _cases())
def test_it_offers_no_add_and_no_action_on_a_workflow_changelist(request, client, records, kind, who):
    client.force_login(_who(request, who))
    model = type(records[kind])

    response = client.get(_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["has_add_permission"] is False
    assert response.context["action_form"] is None
    content = response.content.decode()
    assert _url(model, "add") not in content
    assert "delete_selected" not in content


@pytest.mark.parametrize("kind, who", _cases())
def test_it_refuses_to_add_a_workflow_record(request, client, records, kind, who):
    client.force_login(_who(request, who))
    model = type(records[kind])
    count = model.objects.count()

    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "add"), _post_data(records[kind])).status_code == 403

    assert model.objects.count() == count


@pytest.mark.parametrize("kind, who", _cases())
def test_it_shows_a_workflow_record_read_only_and_refuses_a_change(request, client, records, kind, who):
    client.force_login(_who(request, who))
    obj = records[kind]
    before = _snapshot(obj)

    page = client.get(_url(obj, "change", obj.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()

    response = client.post(_url(obj, "change", obj.pk), _post_data(obj))

    assert response.status_code == 403
    assert _snapshot(obj) == before


@pytest.mark.parametrize("kind, who", _cases())
def test_it_refuses_to_delete_a_workflow_record_alone_or_selected(request, client, records, kind, who):
    client.force_login(_who(request, who))
    obj = records[kind]
    entries = AuditEntry.objects.count()

    assert client.get(_url(obj, "delete", obj.pk)).status_code == 403
    assert client.post(_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403
    bulk = client.post(
        _url(obj, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )

    assert bulk.status_code in (200, 302)
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    "kind, field, value",
    [
        ("risk assessment", "final_rating", "low"),
        ("mitigation plan", "residual_risk", "low"),
        ("intervention case", "result", "A"),
        ("support activity", "target_unit", "excluded"),
    ],
)
def test_it_does_not_let_a_superuser_bypass_the_rules_through_the_admin(client, admin_user, records, kind, field, value):
    # Given an endorsed assessment, an approved plan, a case and an activity, and a unit excluded from support
    engagement = records["engagement"]
    complete_assessment(engagement, rating="high", status=AssessmentStatus.ENDORSED)
    complete_plan(engagement, residual="high", submitted=True)
    obj = records[kind]
    if value == "excluded":
        value = str(Exclusion.objects.get(engagement=engagement).unit_id)
    data = _post_data(obj) | {field: value}
    before = _snapshot(obj)
    client.force_login(admin_user)

    # When a superuser posts a change to it in the admin
    response = client.post(_url(obj, "change", obj.pk), data)

    # Then it is refused and nothing changes
    assert response.status_code == 403
    assert _snapshot(obj) == before


def test_it_does_not_let_a_superuser_open_an_engagement_in_the_admin(client, admin_user, engagement):
    client.force_login(admin_user)
    count = Engagement.objects.count()

    response = client.post(_url(Engagement, "add"), {
        "title": "Opened in the administration", "office": engagement.office_id, "project": engagement.project_id,
        "recipient": engagement.recipient_id, "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0",
    })

    assert response.status_code == 403
    assert Engagement.objects.count() == count


def _superuser_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


def test_every_admin_of_the_app_but_reference_data_is_read_only_for_a_superuser(admin_user):
    request = _superuser_request(admin_user)
    workflow = {m: a for m, a in admin.site._registry.items() if m._meta.app_label in OUR_APPS and m not in REFERENCE_MODELS}

    assert workflow, "no workflow admin registered"
    for model, model_admin in workflow.items():
        label = model._meta.label
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        assert not model_admin.get_actions(request), label
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), f"{label} inline {inline.model._meta.label}"
            assert not inline.has_change_permission(request), f"{label} inline {inline.model._meta.label}"
            assert not inline.has_delete_permission(request), f"{label} inline {inline.model._meta.label}"


def test_every_admin_of_the_app_scopes_its_lookups_and_audits_its_writes():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        assert isinstance(model_admin, OfferedLookupsOnlyMixin), model._meta.label
        assert isinstance(model_admin, AuditedAdminMixin), model._meta.label
        if model is not User:
            assert isinstance(model_admin, ScopedAdmin), model._meta.label


def test_it_shows_the_role_groups_without_letting_a_superuser_edit_them(client, admin_user):
    # The permissions of each role are hrddp.access.ROLE_PERMISSIONS, set again on every migrate.
    group = Group.objects.get(name=Role.PROJECT_MANAGER.label)
    permissions = set(group.permissions.values_list("pk", flat=True))
    client.force_login(admin_user)

    assert client.get(_url(Group, "change", group.pk)).status_code == 200
    assert client.post(_url(Group, "change", group.pk), {"name": group.name, "permissions": []}).status_code == 403
    assert client.get(_url(Group, "add")).status_code == 403
    assert client.post(_url(Group, "delete", group.pk), {"post": "yes"}).status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == permissions


# --- Reference data: changed in the admin, each change audited ---------------------------------------


def _new_entries(before: set[int]):
    return list(AuditEntry.objects.exclude(pk__in=before).order_by("pk"))


def _entry_ids():
    return set(AuditEntry.objects.values_list("pk", flat=True))


def _recipient_form(**changes):
    return {"name": "Darvonian Border Guard", "country": "Darvonia", "category": "border_customs", "level": "force",
            "parent": "", **changes}


def test_it_audits_a_recipient_added_in_the_admin(client, pm, office_a):
    client.force_login(pm)
    before = _entry_ids()

    response = client.post(_url(Recipient, "add"), _recipient_form())

    assert response.status_code == 302
    recipient = Recipient.objects.get(name="Darvonian Border Guard")
    [entry] = _new_entries(before)
    assert (entry.actor, entry.action, entry.engagement) == (pm, "admin_add", None)
    assert entry.justification == "Added in the administration: Darvonian Border Guard."
    assert (entry.details["model"], entry.details["pk"]) == ("hrddp.recipient", recipient.pk)


def test_it_audits_a_recipient_changed_in_the_admin_naming_the_fields(client, pm, engagement):
    recipient = engagement.recipient
    client.force_login(pm)
    before = _entry_ids()

    response = client.post(
        _url(recipient, "change", recipient.pk),
        _recipient_form(name="Darvonian National Police", country=recipient.country, category=recipient.category),
    )

    assert response.status_code == 302
    [entry] = _new_entries(before)
    assert (entry.actor, entry.action) == (pm, "admin_change")
    assert entry.justification == "Changed in the administration: Name."
    assert entry.details["model"] == "hrddp.recipient"
    assert entry.details["pk"] == recipient.pk
    assert entry.details["fields"] == ["name"]


def test_it_audits_a_person_and_the_command_period_added_with_them_in_one_entry(client, pm, engagement):
    client.force_login(pm)
    before = _entry_ids()

    response = client.post(_url(PersonOfInterest, "add"), {
        "full_name": "Tomas Reyl", "rank": "Colonel", "recipient": engagement.recipient_id,
        "command_periods-TOTAL_FORMS": "1", "command_periods-INITIAL_FORMS": "0",
        "command_periods-0-unit": engagement.recipient_id, "command_periods-0-position": "Unit commander",
        "command_periods-0-start_date": "2024-01-01", "command_periods-0-end_date": "",
    })

    assert response.status_code == 302
    person = PersonOfInterest.objects.get(full_name="Tomas Reyl")
    assert person.command_periods.count() == 1
    [entry] = _new_entries(before)
    assert entry.action == "admin_add"
    assert entry.details["pk"] == person.pk
    assert "added command period" in entry.justification


def test_it_audits_each_record_a_superuser_deletes_one_by_one_or_selected(client, admin_user):
    first, second, third = (RecipientFactory(name=f"Disbanded unit {n}") for n in (1, 2, 3))
    client.force_login(admin_user)
    before = _entry_ids()

    client.post(_url(first, "delete", first.pk), {"post": "yes"})
    client.post(_url(Recipient, "changelist"),
                {"action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"})

    assert not Recipient.objects.filter(pk__in=[first.pk, second.pk, third.pk]).exists()
    entries = _new_entries(before)
    assert [e.action for e in entries] == ["admin_delete"] * 3
    assert {e.details["pk"] for e in entries} == {first.pk, second.pk, third.pk}
    assert entries[0].justification == "Deleted in the administration: Disbanded unit 1."


@pytest.mark.parametrize(
    "model, form",
    [
        (Office, lambda e: {"code": "mrd", "name": "Meridia Country Office", "entity": "IOM", "country": "Meridia",
                            "region": "", "mechanism_secretariat_contact": "", "letterhead_address": ""}),
        (Project, lambda e: {"office": e.office_id, "code": "P-NEW", "title": "Border management", "donor": "",
                             "budget": "", "currency": "USD", "start_date": "2026-01-01", "end_date": "2026-12-31",
                             "locations": ""}),
        (GovernmentFocalPoint, lambda e: {"office": e.office_id, "full_name": "Idris Valemo", "title": "Commander",
                                          "authority": "Ministry of the Interior", "email": "", "phone": "",
                                          "office_counterpart": ""}),
        (CommandPeriod, lambda e: {"person": PersonOfInterest.objects.create(full_name="Lena Ostrava",
                                                                             recipient=e.recipient).pk,
                                   "unit": e.recipient_id, "position": "Commander", "start_date": "2024-01-01",
                                   "end_date": ""}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_it_audits_an_add_a_change_and_a_delete_of_reference_data_once_each(client, admin_user, engagement, model, form):
    client.force_login(admin_user)
    data = form(engagement)
    before = _entry_ids()

    assert client.post(_url(model, "add"), data).status_code == 302
    obj = model.objects.order_by("-pk").first()
    changed = {**data, next(k for k in ("name", "title", "position") if k in data): "Renamed"}
    assert client.post(_url(obj, "change", obj.pk), changed).status_code == 302
    assert client.post(_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 302

    entries = _new_entries(before)
    assert [e.action for e in entries] == ["admin_add", "admin_change", "admin_delete"]
    assert {e.details["pk"] for e in entries} == {obj.pk}
    assert {e.details["model"] for e in entries} == {model._meta.label_lower}


def test_it_audits_a_role_given_to_a_user_by_a_superuser(client, admin_user, office_b):
    user = User.objects.create_user(username="new.pm", password="a-long-enough-passphrase")
    client.force_login(admin_user)
    before = _entry_ids()
    page = client.get(_url(user, "change", user.pk))
    data = {**page.context["adminform"].form.initial, "username": "new.pm", "first_name": "", "last_name": "",
            "email": "", "is_active": "on", "is_staff": "", "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00", "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-0-role": Role.PROJECT_MANAGER, "memberships-0-office": office_b.pk}
    data.pop("password", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)

    response = client.post(_url(user, "change", user.pk), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Membership.objects.filter(user=user, office=office_b, role=Role.PROJECT_MANAGER).exists()
    [entry] = _new_entries(before)
    assert entry.action == "admin_change"
    assert "added membership" in entry.justification


def test_it_audits_a_password_set_by_a_superuser(client, admin_user):
    user = User.objects.create_user(username="forgetful", password="a-long-enough-passphrase")
    client.force_login(admin_user)
    before = _entry_ids()

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "another-long-passphrase-42", "password2": "another-long-passphrase-42", "usable_password": "true"},
    )

    assert response.status_code == 302
    [entry] = _new_entries(before)
    assert (entry.action, entry.details["pk"]) == ("admin_change", user.pk)


def test_it_writes_no_entry_when_the_save_fails_after_it(client, pm, engagement, monkeypatch):
    # Given the admin's own log of the change fails, after the audit entry was written
    recipient = engagement.recipient
    name = recipient.name
    client.force_login(pm)
    before = _entry_ids()

    def failing(*args, **kwargs):
        raise RuntimeError("the log is down")

    monkeypatch.setattr(LogEntry.objects, "log_actions", failing)

    # When the change is saved
    with pytest.raises(RuntimeError):
        client.post(_url(recipient, "change", recipient.pk),
                    _recipient_form(name="Renamed", country=recipient.country, category=recipient.category))

    # Then neither the change nor its audit entry is kept
    recipient.refresh_from_db()
    assert recipient.name == name
    assert _new_entries(before) == []


def test_it_writes_no_entry_when_a_delete_fails(client, admin_user, monkeypatch):
    recipient = RecipientFactory(name="Kept unit")
    client.force_login(admin_user)
    before = _entry_ids()

    def failing(self, request, obj):
        raise RuntimeError("the database refused")

    monkeypatch.setattr(type(admin.site._registry[Recipient]), "delete_model", failing)

    with pytest.raises(RuntimeError):
        client.post(_url(recipient, "delete", recipient.pk), {"post": "yes"})

    assert Recipient.objects.filter(pk=recipient.pk).exists()
    assert _new_entries(before) == []


# --- Reference data: no back door ---------------------------------------------------------------------


def test_it_refuses_a_recipient_in_another_offices_country_saying_why(client, pm, office_a, office_b):
    client.force_login(pm)
    before = _entry_ids()

    response = client.post(_url(Recipient, "add"), _recipient_form(country=office_b.country))

    assert response.status_code == 200
    assert "only for your own offices" in response.content.decode()
    assert not Recipient.objects.filter(name="Darvonian Border Guard").exists()
    assert _new_entries(before) == []


def test_it_refuses_to_move_a_recipient_to_another_offices_country(client, pm, engagement, office_b):
    recipient = engagement.recipient
    client.force_login(pm)

    response = client.post(
        _url(recipient, "change", recipient.pk),
        _recipient_form(name=recipient.name, country=office_b.country, category=recipient.category),
    )

    assert response.status_code == 200
    recipient.refresh_from_db()
    assert recipient.country == engagement.office.country


@pytest.mark.parametrize("who", ["pm", "com", "hq"])
def test_it_does_not_let_a_staff_member_give_themselves_a_role(request, client, office_b, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    roles = set(Membership.objects.values_list("pk", flat=True))

    assert client.get(_url(Membership, "add")).status_code == 403
    assert client.post(_url(Membership, "add"), {
        "user": user.pk, "role": Role.CHIEF_OF_MISSION, "office": office_b.pk,
    }).status_code == 403
    assert client.get(_url(user, "change", user.pk)).status_code == 403
    assert client.post(_url(user, "change", user.pk), {
        "username": user.username, "is_superuser": "on", "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0", "memberships-0-role": Role.CHIEF_OF_MISSION,
        "memberships-0-office": office_b.pk,
    }).status_code == 403

    assert set(Membership.objects.values_list("pk", flat=True)) == roles
    user.refresh_from_db()
    assert not user.is_superuser


def test_it_does_not_let_a_project_manager_change_or_remove_their_own_role(client, pm, office_b):
    membership = Membership.objects.get(user=pm)
    client.force_login(pm)

    assert client.post(_url(membership, "change", membership.pk),
                       {"user": pm.pk, "role": Role.CHIEF_OF_MISSION, "office": membership.office_id}).status_code == 403
    assert client.post(_url(membership, "delete", membership.pk), {"post": "yes"}).status_code == 403

    membership.refresh_from_db()
    assert membership.role == Role.PROJECT_MANAGER


def test_it_keeps_a_person_implicated_in_an_incident(client, admin_user, records):
    # Deleting them would silently take them off the incident.
    incident = records["incident"]
    person = PersonOfInterest.objects.create(full_name="Tomas Reyl", recipient=incident.recipient)
    incident.persons_implicated.add(person)
    client.force_login(admin_user)
    before = _entry_ids()

    response = client.post(_url(person, "delete", person.pk), {"post": "yes"})

    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert PersonOfInterest.objects.filter(pk=person.pk).exists()
    assert list(Incident.objects.get(pk=incident.pk).persons_implicated.all()) == [person]
    assert _new_entries(before) == []


def test_it_keeps_the_model_rules_of_command_periods(client, pm, engagement):
    person = PersonOfInterest.objects.create(full_name="Lena Ostrava", recipient=engagement.recipient)
    CommandPeriod.objects.create(person=person, unit=engagement.recipient, position="Commander",
                                 start_date=date(2024, 1, 1))
    client.force_login(pm)
    before = _entry_ids()

    response = client.post(_url(CommandPeriod, "add"), {
        "person": person.pk, "unit": engagement.recipient_id, "position": "Deputy", "start_date": "2025-01-01",
        "end_date": "",
    })

    assert response.status_code == 200
    assert "already holds a position over this unit" in response.content.decode()
    assert person.command_periods.count() == 1
    assert _new_entries(before) == []
