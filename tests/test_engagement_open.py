"""Opening a request for support: the project, the recipient (picked or new),
the activities, and who may open one."""

import pytest
from django.urls import reverse

from hrddp.models import ActivityType, AuditEntry, Engagement, Recipient, RecipientCategory, State, SupportActivity
from tests.factories import FocalPointFactory, ProjectFactory, RecipientFactory

URL = reverse("engagement_open")

TRAINING = {"description": "Community-policing training", "activity_type": ActivityType.TRAINING, "delivery": "direct"}
MEDEVAC = {"description": "Casualty evacuation", "activity_type": ActivityType.MEDEVAC, "delivery": "direct"}
REHAB = {
    "description": "Rehabilitation of the Esse police post", "activity_type": ActivityType.INFRASTRUCTURE,
    "delivery": "indirect", "implementing_partner": "Esse Builders Ltd",
}
# What a browser posts for an activity row the user did not touch.
UNTOUCHED = {"description": "", "activity_type": "", "delivery": "direct", "implementing_partner": ""}


def _activities(*rows, total=3):
    """The activity formset's fields: the given rows, then untouched rows up to `total`."""
    rows = list(rows) + [UNTOUCHED] * max(total - len(rows), 0)
    data = {
        "activities-TOTAL_FORMS": str(len(rows)), "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "1", "activities-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in {**UNTOUCHED, **row}.items():
            data[f"activities-{index}-{name}"] = value
    return data


def _request(project, *, recipient=None, activities=(TRAINING,), **fields):
    data = {
        "title": "Police post near the Esse IDP site", "project": project.pk,
        "recipient": recipient.pk if recipient else "", "new_recipient_name": "", "new_recipient_category": "",
        "new_recipient_parent": "", "focal_point": "",
    }
    data.update(_activities(*activities))
    data.update(fields)
    return data


def _post(client, user, data):
    client.force_login(user)
    return client.post(URL, data)


def _nothing_created():
    return not Engagement.objects.exists() and not SupportActivity.objects.exists() and not AuditEntry.objects.exists()


@pytest.fixture
def project(office_a):
    return ProjectFactory(office=office_a, code="DRV-STAB-01")


@pytest.fixture
def police(office_a):
    return RecipientFactory(name="Darvonian National Police", country=office_a.country, category=RecipientCategory.POLICE)


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, project, police):
    response = client.post(URL, _request(project, recipient=police))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _nothing_created()


def test_it_shows_the_project_manager_the_form_with_three_activity_rows(client, pm, project, police):
    client.force_login(pm)

    response = client.get(URL)

    assert response.status_code == 200
    assert len(response.context["activities"].forms) == 3
    assert list(response.context["form"].fields["project"].queryset) == [project]
    assert list(response.context["form"].fields["recipient"].queryset) == [police]


@pytest.mark.parametrize("rows", [[TRAINING], [TRAINING, MEDEVAC], [TRAINING, MEDEVAC, REHAB]], ids=["1", "2", "3"])
def test_it_opens_a_draft_with_an_existing_recipient_and_its_activities(client, pm, project, police, rows):
    response = _post(client, pm, _request(project, recipient=police, activities=rows))

    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement_detail", args=[engagement.pk])
    assert (engagement.state, engagement.office, engagement.project) == (State.DRAFT, project.office, project)
    assert (engagement.recipient, engagement.title, engagement.created_by) == (
        police, "Police post near the Esse IDP site", pm,
    )
    saved = [
        {"description": a.description, "activity_type": a.activity_type, "delivery": a.delivery,
         "implementing_partner": a.implementing_partner}
        for a in engagement.activities.order_by("pk")
    ]
    assert saved == [{**UNTOUCHED, **row} for row in rows]


def test_it_writes_an_audit_entry_for_the_opening(client, pm, project, police):
    _post(client, pm, _request(project, recipient=police))

    engagement = Engagement.objects.get()
    entry = AuditEntry.objects.get()
    assert (entry.engagement, entry.actor, entry.action) == (engagement, pm, "open")
    assert (entry.from_state, entry.to_state) == ("", State.DRAFT)


def test_it_reports_the_new_reference_on_the_engagement_page(client, pm, project, police):
    response = _post(client, pm, _request(project, recipient=police))

    engagement = Engagement.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"Request {engagement.reference} opened." in page


def test_it_records_the_government_focal_point_of_the_office(client, pm, project, police, office_a):
    focal_point = FocalPointFactory(office=office_a)

    _post(client, pm, _request(project, recipient=police, focal_point=focal_point.pk))

    assert Engagement.objects.get().focal_point == focal_point


def test_it_creates_a_new_force_in_the_offices_country(client, pm, project):
    response = _post(client, pm, _request(
        project, new_recipient_name="  Esse Border Guard  ", new_recipient_category=RecipientCategory.BORDER_CUSTOMS,
    ))

    assert response.status_code == 302
    recipient = Recipient.objects.get()
    assert (recipient.name, recipient.category, recipient.level, recipient.parent) == (
        "Esse Border Guard", RecipientCategory.BORDER_CUSTOMS, "force", None,
    )
    assert recipient.country == "Darvonia"
    assert Engagement.objects.get().recipient == recipient


@pytest.mark.parametrize("parent_level, level", [("force", "command"), ("command", "unit")])
def test_it_creates_a_new_recipient_one_level_below_its_parent(client, pm, project, police, parent_level, level):
    parent = police
    if parent_level == "command":
        parent = RecipientFactory(name="Esse Province Command", country="Darvonia", level="command", parent=police)

    response = _post(client, pm, _request(
        project, new_recipient_name="Rapid Intervention Unit", new_recipient_category=RecipientCategory.POLICE,
        new_recipient_parent=parent.pk,
    ))

    assert response.status_code == 302
    recipient = Recipient.objects.get(name="Rapid Intervention Unit")
    assert (recipient.level, recipient.parent, recipient.country) == (level, parent, "Darvonia")
    assert Engagement.objects.get().recipient == recipient


def test_it_rerenders_with_an_error_when_a_new_recipient_already_exists_under_that_parent(client, pm, project, police):
    command = RecipientFactory(name="Esse Province Command", country="Darvonia", level="command", parent=police)

    response = _post(client, pm, _request(
        project, new_recipient_name="Esse Province Command", new_recipient_category=RecipientCategory.POLICE,
        new_recipient_parent=police.pk,
    ))

    assert response.status_code == 400
    assert list(Recipient.objects.filter(name="Esse Province Command")) == [command]
    assert _nothing_created()


def test_it_ignores_untouched_extra_activity_rows(client, pm, project, police):
    response = _post(client, pm, _request(project, recipient=police, activities=[TRAINING]))

    assert response.status_code == 302
    assert list(SupportActivity.objects.values_list("description", flat=True)) == ["Community-policing training"]


def _bad(response, form=None, activity=None):
    """A 400 with the error on the named field of the request form or of an activity row."""
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    if form:
        assert response.context["form"].errors[form]
    if activity is not None:
        index, name = activity
        assert response.context["activities"].forms[index].errors[name]
    assert _nothing_created()


def test_it_rerenders_400_when_no_activity_is_described(client, pm, project, police):
    response = _post(client, pm, _request(project, recipient=police, activities=[]))

    _bad(response, activity=(0, "description"))


def test_it_rerenders_400_when_the_recipient_is_neither_picked_nor_described(client, pm, project):
    response = _post(client, pm, _request(project))

    _bad(response, form="recipient")
    assert "Pick the recipient, or describe a new one." in response.content.decode()
    assert not Recipient.objects.exists()


def test_it_rerenders_400_when_a_recipient_is_both_picked_and_described(client, pm, project, police):
    response = _post(client, pm, _request(
        project, recipient=police, new_recipient_name="Esse Border Guard",
        new_recipient_category=RecipientCategory.BORDER_CUSTOMS,
    ))

    _bad(response, form="new_recipient_name")
    assert "Pick a recipient or describe a new one, not both." in response.content.decode()
    assert list(Recipient.objects.all()) == [police]


def test_it_rerenders_400_when_a_new_recipient_has_no_category(client, pm, project):
    response = _post(client, pm, _request(project, new_recipient_name="Esse Border Guard"))

    _bad(response, form="new_recipient_category")
    assert not Recipient.objects.exists()


def test_it_rerenders_400_when_an_indirect_activity_names_no_partner(client, pm, project, police):
    rows = [TRAINING, {**REHAB, "implementing_partner": "   "}]

    response = _post(client, pm, _request(project, recipient=police, activities=rows))

    _bad(response, activity=(1, "implementing_partner"))
    assert "Name the implementing partner for indirect support." in response.content.decode()


def test_it_rerenders_400_when_a_touched_row_has_no_type(client, pm, project, police):
    rows = [TRAINING, {"description": "Vehicles"}]

    response = _post(client, pm, _request(project, recipient=police, activities=rows))

    _bad(response, activity=(1, "activity_type"))


def test_it_rerenders_400_when_the_project_belongs_to_another_office(client, pm, police, office_b):
    other = ProjectFactory(office=office_b)

    response = _post(client, pm, _request(other, recipient=police))

    _bad(response, form="project")


def test_it_rerenders_400_when_the_recipient_is_of_another_country(client, pm, project):
    foreign = RecipientFactory(name="Meridian Army", country="Meridia", category=RecipientCategory.MILITARY)

    response = _post(client, pm, _request(project, recipient=foreign))

    _bad(response, form="recipient")


def test_it_rerenders_400_when_the_focal_point_belongs_to_another_office(client, pm, project, police, office_b):
    foreign = FocalPointFactory(office=office_b)

    response = _post(client, pm, _request(project, recipient=police, focal_point=foreign.pk))

    _bad(response, form="focal_point")


def test_it_offers_the_outsider_none_of_office_as_projects_or_recipients(client, outsider, project, police):
    client.force_login(outsider)

    form = client.get(URL).context["form"]

    assert project not in form.fields["project"].queryset
    assert police not in form.fields["recipient"].queryset


def test_it_refuses_the_outsider_office_as_project(client, outsider, project, office_b):
    own = RecipientFactory(name="Meridian Police", country=office_b.country)

    response = _post(client, outsider, _request(project, recipient=own))

    _bad(response, form="project")


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_it_forbids_anyone_but_a_project_manager(client, request, project, police, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, _request(project, recipient=police)).status_code == 403
    assert _nothing_created()
