"""A project manager records on the person's page a position the person holds or held; the period is audited, and
when the person has a substantiated allegation and the unit is under active support, every engagement supporting
it is flagged for reassessment (P¶25). Another country's project manager gets a 404, an auditor a 403."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditAction, AuditEntry, CommandPeriod, Engagement, State
from register.services import allegation_status_change
from tests.factories import EngagementFactory
from tests.test_person_helpers import force, person, reported, unit  # noqa: F401 - fixtures


def _url(person):
    return reverse("command_period_new", args=[person.pk])


def _post(client, user, person, **fields):
    client.force_login(user)
    data = {"position": "Commander of the Rapid Intervention Unit", "start_date": "", "end_date": ""} | fields
    return client.post(_url(person), data)


def test_the_project_manager_records_a_command_period_with_its_audit_entry(client, pm, person, unit):
    # When the project manager records that Colonel Reyl commands the unit since last week
    start = timezone.localdate() - timedelta(days=7)
    response = _post(client, pm, person, unit=unit.pk, start_date=start.isoformat())

    # Then the period is kept and the register's trail says who recorded it
    assert response.status_code == 302
    period = CommandPeriod.objects.get(person=person)
    assert (period.unit, period.start_date, period.end_date) == (unit, start, None)
    entry = AuditEntry.objects.get(action=AuditAction.SAVE_PERSON, details__command_period=period.pk)
    assert entry.actor == pm and entry.engagement is None


def test_a_flagged_person_taking_command_of_a_supported_unit_flags_its_engagement(client, office_a, pm, com, person, unit):
    # Given support to the unit under way, and a substantiated allegation against Colonel Reyl
    engagement = EngagementFactory(office=office_a, recipient=unit, state=State.ACTIVE)
    allegation_status_change(by=com, allegation=reported(pm, person), to_status="substantiated", reason="Confirmed.")

    # When the project manager records his command of the unit
    _post(client, pm, person, unit=unit.pk, start_date=(timezone.localdate() - timedelta(days=1)).isoformat())

    # Then the engagement is flagged for reassessment
    assert Engagement.objects.get(pk=engagement.pk).reassessment_flagged_at is not None


def test_every_problem_is_named_at_once_and_nothing_is_written(client, pm, person):
    response = _post(client, pm, person, unit="", position="", start_date="")

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"unit", "position", "start_date"}
    assert not CommandPeriod.objects.exists()


def test_a_period_starting_tomorrow_or_ending_before_it_starts_is_refused(client, pm, person, unit):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _post(client, pm, person, unit=unit.pk, start_date=tomorrow.isoformat())
    assert response.status_code == 400 and "future" in response.content.decode()

    start = timezone.localdate() - timedelta(days=10)
    response = _post(client, pm, person, unit=unit.pk, start_date=start.isoformat(),
                     end_date=(start - timedelta(days=1)).isoformat())
    assert response.status_code == 400 and "cannot end before it starts" in response.content.decode()
    assert not CommandPeriod.objects.exists()


def test_a_project_manager_of_another_country_gets_404(client, outsider, person, unit):
    client.force_login(outsider)
    assert client.get(_url(person)).status_code == 404
    assert _post(client, outsider, person, unit=unit.pk, start_date="2026-01-01").status_code == 404


def test_an_auditor_reads_the_person_but_may_not_record_a_command_period(client, auditor, person, unit):
    client.force_login(auditor)
    assert client.get(_url(person)).status_code == 403
    assert _post(client, auditor, person, unit=unit.pk, start_date="2026-01-01").status_code == 403
    assert "Record a command period" not in client.get(reverse("person_detail", args=[person.pk])).content.decode()


def test_the_person_page_offers_it_to_the_project_manager(client, pm, person):
    client.force_login(pm)
    assert _url(person) in client.get(reverse("person_detail", args=[person.pk])).content.decode()
