"""Importing incidents: only into engagements the user prepares, against the engagement's recipient or
within its force, with the logging service's rules; a grave violation with substantial grounds on active
support escalates as logging does (P¶25)."""

from datetime import timedelta

from django.utils import timezone

from hrddp.models import AuditEntry, Notification, Recipient, Reminder, State
from monitoring.models import Incident
from tests.factories import EngagementFactory
from tests.test_import_helpers import INCIDENT_HEADERS, confirm, csv_file, dry_run, problems_by_row, xlsx_file
from tests.test_incident_helpers import active, command, force, unit  # noqa: F401 - fixtures

NO_SUCH = "Engagement reference: No engagement with this reference among those you manage."


def _day(n=10):
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def row(engagement, *, recipient="", categories="gross_violations", grave="no", **cells):
    values = {
        "reference": engagement.reference if hasattr(engagement, "reference") else engagement,
        "date": _day(), "place": "Kael checkpoint", "description": "Traders beaten at the checkpoint.",
        "channel": "UN monitoring (OHCHR, UNICEF, SRSG offices)", "reliability": "B", "credibility": "2",
        "verification": "being verified", "victims": "Amina Kessel", "witnesses": "Jonas Pell", "source": "Ruth Tand",
    } | cells
    return [
        values["reference"], values["date"], values["place"], values["description"], recipient, categories,
        values["channel"], values["reliability"], values["credibility"], values["verification"], grave,
        values["victims"], values["witnesses"], values["source"],
    ]


def test_it_imports_every_incident_of_a_good_file_with_its_confidential_details(pm, active, command, unit):
    rows = [
        row(active),
        row(active, recipient="Esse Province Command › Rapid Intervention Unit", categories="Refoulement; pattern"),
    ]
    outcome = dry_run("incidents", pm, xlsx_file(INCIDENT_HEADERS, rows))
    assert (outcome.new, outcome.errors) == (2, 0)
    assert not Incident.objects.exists()

    done = confirm(pm, outcome)

    assert done.imported
    first, second = Incident.objects.order_by("pk")
    assert (first.recipient, second.recipient) == (active.recipient, unit)
    assert second.categories == ["refoulement", "pattern"]
    assert (first.channel, first.source_reliability, first.information_credibility) == ("un_monitoring", "B", "2")
    assert (first.victims, first.witnesses, first.source_details) == ("Amina Kessel", "Jonas Pell", "Ruth Tand")
    assert first.logged_by == pm and first.escalated_at is None
    # the engagement's own history says what came in
    entry = AuditEntry.objects.get(engagement=active, action="import_incidents")
    assert entry.justification == "Imported 2 incidents from “rows.xlsx”."


def test_it_imports_nothing_when_one_row_is_bad(pm, active):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    rows = [
        row(active),
        row(active, date=future, categories="war crimes; looting"),
        row(active, grave="yes", categories=""),
    ]
    outcome = dry_run("incidents", pm, csv_file(INCIDENT_HEADERS, rows))

    assert problems_by_row(outcome) == {
        3: [
            "Categories: Not a violation category: “looting” (separate several with semicolons; "
            "see the accepted values on the import page).",
            "Occurred on: The date of the incident cannot be in the future.",
        ],
        4: [
            "Categories: An incident classified as a grave violation names at least one violation category.",
        ],
    }
    assert outcome.token == "" and not Incident.objects.exists()


def test_the_outsider_cannot_import_into_another_offices_engagement_nor_learn_that_it_exists(outsider, engagement):
    rows = [row(engagement), row("AAA-2020-999")]
    outcome = dry_run("incidents", outsider, csv_file(INCIDENT_HEADERS, rows))

    # the same words for an engagement of office A and for one that does not exist
    assert problems_by_row(outcome) == {2: [NO_SUCH], 3: [NO_SUCH]}


def test_an_incident_must_concern_the_engagements_recipient_or_its_force(pm, office_a, command, unit):
    # given an engagement with the Esse Province Command, and another force of Darvonia
    engagement = EngagementFactory(office=office_a, recipient=command)
    Recipient.objects.create(name="Army", country="Darvonia", category="military")
    rows = [row(engagement, recipient="Darvonian Police Force"), row(engagement, recipient="Army"),
            row(engagement, recipient="Rapid Intervention Unit"), row(engagement, recipient="Nowhere Unit")]

    outcome = dry_run("incidents", pm, csv_file(INCIDENT_HEADERS, rows))

    # the force above and the units below are allowed; another force is not (nor one that does not exist)
    assert problems_by_row(outcome) == {
        3: ["Recipient or unit: The allegation must concern Darvonian Police Force › Esse Province Command, "
            "the force or command above it, or one of its commands or units."],
        5: ["Recipient or unit: The allegation must concern Darvonian Police Force › Esse Province Command, "
            "the force or command above it, or one of its commands or units."],
    }


def test_an_imported_grave_violation_awaits_the_chief_of_missions_determination(
    pm, com, hq, active, django_capture_on_commit_callbacks
):
    # given a file proposing a grave violation on active support
    rows = [row(active, grave="yes", categories="war_crimes"), row(active)]

    # when it is imported
    outcome = dry_run("incidents", pm, csv_file(INCIDENT_HEADERS, rows))
    assert outcome.would_escalate == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(pm, outcome)

    # then the incident is classified a grave violation, without substantial grounds: nothing escalates until
    # the Chief of Mission determines it (monitoring.determinations)
    grave = Incident.objects.get(grave_violation=True)
    assert done.imported and done.extra["escalated"] == 0
    assert grave.substantial_grounds is False and grave.escalated_at is None
    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_a_grave_violation_on_an_engagement_not_yet_active_is_not_escalated(pm, engagement):
    assert engagement.state == State.DRAFT
    outcome = dry_run("incidents", pm, csv_file(INCIDENT_HEADERS, [row(engagement, grave="yes")]))
    assert outcome.would_escalate == 0

    assert confirm(pm, outcome).imported
    assert Incident.objects.get().escalated_at is None and not Reminder.objects.exists()
