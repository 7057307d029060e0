"""What a user does to their own account (hrddp.account): ending every session is audited; marking one's
own notifications read is not, and reaches no one else's; neither is done by a GET."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hrddp.account import notifications_mark_read, sessions_end_everywhere
from hrddp.models import AuditEntry, Engagement, Notification
from hrddp.services import engagement_open_request
from tests.factories import ProjectFactory, RecipientFactory


def _note(user, title="Reassessment due"):
    return Notification.objects.create(user=user, kind="reminder", title=title)


def test_ending_every_session_changes_the_salt_and_writes_an_audit_entry(pm):
    salt, auth_hash = pm.session_salt, pm.get_session_auth_hash()

    sessions_end_everywhere(by=pm)

    pm.refresh_from_db()
    assert pm.session_salt != salt and pm.get_session_auth_hash() != auth_hash
    entry = AuditEntry.objects.get()
    assert (entry.engagement, entry.actor, entry.action) == (None, pm, "sign_out_everywhere")


def test_marking_read_reaches_only_the_users_own_notifications_and_is_not_audited(pm, outsider):
    mine, also_mine, theirs = _note(pm), _note(pm), _note(outsider)

    assert notifications_mark_read(by=pm, notification_id=theirs.pk) == 0
    assert notifications_mark_read(by=pm, notification_id=mine.pk) == 1
    assert notifications_mark_read(by=pm) == 1

    assert set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == {mine.pk, also_mine.pk}
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", ["logout_everywhere", "inbox_mark_read"])
def test_a_get_writes_nothing(client, pm, name):
    note = _note(pm)
    salt = pm.session_salt
    client.force_login(pm)

    assert client.get(reverse(name)).status_code == 405

    pm.refresh_from_db()
    note.refresh_from_db()
    assert (pm.session_salt, note.read_at) == (salt, None)
    assert not AuditEntry.objects.exists()


def test_only_a_project_manager_of_the_projects_office_opens_a_request(pm, com, outsider, office_a):
    project = ProjectFactory(office=office_a)
    recipient = RecipientFactory(country=office_a.country)
    for who in (com, outsider):
        with pytest.raises(PermissionDenied, match="Only a project manager of the project's office"):
            engagement_open_request(by=who, title="Fuel", project=project, recipient=recipient, activities=[])
    assert not Engagement.objects.exists()

    engagement = engagement_open_request(by=pm, title="Fuel", project=project, recipient=recipient, activities=[])

    assert engagement.office == office_a
