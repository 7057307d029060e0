"""Logging and editing an incident through the services (monitoring.incident_services): the rules an allegation
must meet, its audit entry in the same transaction, and who may log one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import AuditEntry
from monitoring.incident_services import incident_log, incident_update
from monitoring.models import Incident, ViolationCategory
from tests.factories import RecipientFactory
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    SOURCE,
    VICTIMS,
    active,
    command,
    commander,
    days_ago,
    force,
    grant,
    incident_data,
    log,
    person_in,
    unit,
)


def _refused(engagement, by, data, persons=()):
    """The service refuses with a ValidationError; nothing is saved, nothing audited."""
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        incident_log(engagement=engagement, by=by, data=data, persons=list(persons))
    assert Incident.objects.count() == 0
    assert AuditEntry.objects.count() == audits
    return refused.value.message_dict


def test_a_project_manager_logs_an_incident_against_a_unit_with_its_audit_entry(pm, active, unit, commander):
    # given an allegation against the Rapid Intervention Unit naming its commander
    data = incident_data(unit)

    # when the project manager logs it
    incident = incident_log(engagement=active, by=pm, data=data, persons=[commander])

    # then it is saved as given, and the history says so without any confidential detail
    incident.refresh_from_db()
    assert (incident.engagement, incident.recipient, incident.logged_by) == (active, unit, pm)
    assert incident.categories == [ViolationCategory.GROSS_VIOLATIONS]
    assert (incident.source_reliability, incident.information_credibility) == ("B", "2")
    assert incident.victims == VICTIMS
    assert list(incident.persons_implicated.all()) == [commander]
    entry = AuditEntry.objects.get(engagement=active)
    assert (entry.actor, entry.action, entry.details["incident"]) == (pm, "log_incident", incident.pk)
    assert "Rapid Intervention Unit" in entry.justification
    assert VICTIMS not in entry.justification and SOURCE not in str(entry.details)


def test_an_incident_may_concern_the_force_above_the_engagements_recipient(pm, office_a, force, unit):
    # given an engagement supporting the unit only
    from tests.factories import EngagementFactory

    engagement = EngagementFactory(office=office_a, recipient=unit)

    # when an allegation against the whole force is logged
    incident = log(engagement, pm, recipient=force)

    # then it is accepted
    assert incident.recipient == force


def test_it_refuses_a_recipient_outside_the_engagements_hierarchy(pm, active):
    # given another force of the same country
    other = RecipientFactory(name="Darvonian Army", country=active.recipient.country)

    # when / then
    errors = _refused(active, pm, incident_data(other))
    assert "recipient" in errors


def test_it_refuses_a_sibling_unit_of_a_unit_engagement(pm, office_a, command, unit):
    from hrddp.models import Recipient, RecipientLevel
    from tests.factories import EngagementFactory

    # given an engagement with one unit, and another unit of the same command
    engagement = EngagementFactory(office=office_a, recipient=unit)
    sibling = Recipient.objects.create(
        name="Border Unit", level=RecipientLevel.UNIT, parent=command, country=command.country, category="police"
    )

    # when / then
    assert "recipient" in _refused(engagement, pm, incident_data(sibling))


def test_it_refuses_a_person_of_interest_of_another_force(pm, active, unit):
    # given a person of another force
    stranger = person_in(RecipientFactory(name="Darvonian Army", country=active.recipient.country), name="Ivo Marr")

    # when / then
    errors = _refused(active, pm, incident_data(unit), persons=[stranger])
    assert "Ivo Marr" in " ".join(errors["persons_implicated"])


def test_it_refuses_a_date_in_the_future(pm, active):
    errors = _refused(active, pm, incident_data(active.recipient, occurred_on=days_ago(-1)))

    assert errors["occurred_on"] == ["The date of the incident cannot be in the future."]


def test_the_project_manager_cannot_set_substantial_grounds_when_logging(pm, active):
    # given an allegation that claims substantial grounds
    data = incident_data(active.recipient, grave_violation=True, substantial_grounds=True)

    # when it is logged, then the service refuses the field: only the Chief of Mission's determination sets it
    with pytest.raises(TypeError, match="substantial_grounds"):
        incident_log(engagement=active, by=pm, data=data, persons=[])


def test_it_refuses_a_grave_violation_without_any_category(pm, active):
    errors = _refused(active, pm, incident_data(active.recipient, grave_violation=True, categories=[]))

    assert "categories" in errors


def test_it_refuses_a_category_the_policy_does_not_name(pm, active):
    errors = _refused(active, pm, incident_data(active.recipient, categories=["theft"]))

    assert "categories" in errors


def test_it_refuses_an_allegation_without_description_or_channel(pm, active):
    errors = _refused(active, pm, incident_data(active.recipient, description="  ", channel=""))

    assert set(errors) == {"description", "channel"}


@pytest.mark.parametrize("who", ["com", "hq", "auditor", "outsider"])
def test_only_the_project_manager_of_the_office_logs_an_incident(request, active, who):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        incident_log(engagement=active, by=user, data=incident_data(active.recipient), persons=[])

    assert Incident.objects.count() == 0


def test_an_update_audits_the_names_of_the_changed_fields_only(pm, active, unit):
    # given a logged incident, and a project manager granted confidential access
    incident = log(active, pm, recipient=unit)
    grant(pm, active)

    # when the verification and the victims change
    incident_update(
        incident=incident, by=pm, data={"verification_status": "corroborated", "victims": "Two traders"}, persons=None
    )

    # then one audit entry names the fields, not the confidential values
    entry = AuditEntry.objects.get(action="update_incident")
    assert entry.details["changed"] == ["verification_status", "victims"]
    assert "Two traders" not in entry.justification
    incident.refresh_from_db()
    assert (incident.verification_status, incident.victims) == ("corroborated", "Two traders")


def test_an_update_that_changes_nothing_writes_nothing(pm, active):
    incident = log(active, pm)
    audits = AuditEntry.objects.count()

    incident_update(incident=incident, by=pm, data={"place": "Kael checkpoint"}, persons=None)

    assert AuditEntry.objects.count() == audits


def test_without_the_grant_a_project_manager_cannot_change_confidential_details(pm, active):
    incident = log(active, pm)

    with pytest.raises(PermissionDenied):
        incident_update(incident=incident, by=pm, data={"victims": "Someone else"}, persons=None)

    incident.refresh_from_db()
    assert incident.victims == VICTIMS
