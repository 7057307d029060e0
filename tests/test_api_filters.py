"""The lists' filters and order, and `?updated_since=` for incremental sync: a filter only narrows what the user
sees, and a sync asked since a moment gets what changed after it (for the outsider: nothing of ours)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from hrddp.models import AuditEntry, Notification, State
from tests.api_client import api_as
from tests.builders import complete_screening
from tests.factories import EngagementFactory

YESTERDAY = timezone.now() - timedelta(days=1)


def _ids(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_engagements_changed_since_a_moment_are_those_opened_or_audited_after_it(office_a, pm, outsider):
    with time_machine.travel(YESTERDAY - timedelta(days=1)):
        untouched, touched = EngagementFactory(office=office_a), EngagementFactory(office=office_a)
    AuditEntry.objects.create(engagement=touched, actor=pm, action="open", justification="Reopened.")
    fresh = EngagementFactory(office=office_a)
    since = YESTERDAY.isoformat()

    assert sorted(_ids(api_as(pm), "/api/v1/engagements/", updated_since=since)) == sorted([touched.pk, fresh.pk])
    assert untouched.pk in _ids(api_as(pm, name="all"), "/api/v1/engagements/")
    assert _ids(api_as(outsider), "/api/v1/engagements/", updated_since=since) == []


def test_screenings_changed_since_a_moment_are_those_saved_after_it(office_a, pm, outsider):
    with time_machine.travel(YESTERDAY - timedelta(days=1)):
        old = complete_screening(EngagementFactory(office=office_a))
    new = complete_screening(EngagementFactory(office=office_a))

    assert _ids(api_as(pm), "/api/v1/screenings/", updated_since=YESTERDAY.isoformat()) == [new.pk]
    assert old.pk in _ids(api_as(pm, name="all"), "/api/v1/screenings/")
    assert _ids(api_as(outsider), "/api/v1/screenings/", updated_since=YESTERDAY.isoformat()) == []


def test_notifications_received_or_read_since_a_moment(pm, engagement):
    with time_machine.travel(YESTERDAY - timedelta(days=1)):
        read_now = Notification.objects.create(user=pm, kind="step", engagement=engagement, title="A", dedupe_key="a")
        Notification.objects.create(user=pm, kind="step", engagement=engagement, title="B", dedupe_key="b")
    Notification.objects.filter(pk=read_now.pk).update(read_at=timezone.now())

    assert _ids(api_as(pm), "/api/v1/notifications/", updated_since=YESTERDAY.isoformat()) == [read_now.pk]


def test_a_moment_that_is_not_one_is_a_field_error(pm):
    response = api_as(pm).get("/api/v1/engagements/", {"updated_since": "last tuesday"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["updated_since"]


def test_state_filters_and_ordering_narrow_and_sort_what_the_user_sees(office_a, office_b, pm):
    draft = EngagementFactory(office=office_a, title="B draft")
    active = EngagementFactory(office=office_a, title="A active", state=State.ACTIVE)
    EngagementFactory(office=office_b, state=State.ACTIVE)
    client = api_as(pm)

    assert _ids(client, "/api/v1/engagements/", state="active") == [active.pk]
    assert _ids(client, "/api/v1/engagements/", ordering="title") == [active.pk, draft.pk]
    assert _ids(client, "/api/v1/engagements/", ordering="-title") == [draft.pk, active.pk]
    # An order by a field not offered is ignored, not an error.
    assert sorted(_ids(client, "/api/v1/engagements/", ordering="office__country")) == sorted([draft.pk, active.pk])


def test_a_moment_with_any_offset_of_the_calendar_is_read_in_utc(pm):
    # An offset Python reads (-17:12) that PostgreSQL would refuse, and one that leaves the calendar
    client = api_as(pm)

    assert client.get("/api/v1/notifications/", {"updated_since": "0053-08-01T08:19:07-17:12"}).status_code == 200
    assert client.get("/api/v1/engagements/", {"updated_since": "0053-08-01T08:19:07-17:12"}).status_code == 200
    assert client.get("/api/v1/notifications/", {"updated_since": "0001-01-01T00:00:00+05:00"}).status_code == 400
