"""Many engagements at once, for the query-count tests of the dashboard, lists and exports.

Rows are bulk-created: each engagement gets its own recipient and project (so a missing
select_related shows up as a query per row), an assessment, a plan with a measure past due, an
incident in two categories with confidential details, a letter and an audit trail.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp.models import AuditEntry, Engagement, PersonOfInterest, Project, Recipient, RecipientCategory, State, User
from interventions.models import Letter, LetterKind
from mitigation.models import MeasureType, MitigationMeasure, MitigationPlan
from monitoring.models import Channel, Incident

_serial = itertools.count(1)


def bulk_portfolio(office, count: int, *, state: str = State.ACTIVE, actor: User | None = None) -> list[Engagement]:
    now = timezone.now()
    today = timezone.localdate()
    actor = actor or User.objects.create(username=f"bulk-actor-{next(_serial)}")
    batch = next(_serial)
    recipients = Recipient.objects.bulk_create([
        Recipient(name=f"Force {batch}-{i}", country=office.country, category=RecipientCategory.POLICE)
        for i in range(count)
    ])
    projects = Project.objects.bulk_create([
        Project(office=office, code=f"B{batch}-{i}", title="Bulk", start_date=today - timedelta(days=800),
                end_date=today + timedelta(days=400))
        for i in range(count)
    ])
    engagements = Engagement.objects.bulk_create([
        Engagement(
            reference=f"{office.code.upper()}-B{batch}-{i:05d}", title=f"Bulk engagement {batch}-{i}", office=office,
            project=projects[i], recipient=recipients[i], state=state, created_by=actor,
            state_changed_at=now - timedelta(days=30), support_approved_at=now - timedelta(days=30),
        )
        for i in range(count)
    ])
    PersonOfInterest.objects.bulk_create([
        PersonOfInterest(full_name=f"Commander {batch}-{i}", recipient=recipients[i]) for i in range(count)
    ])
    RiskAssessment.objects.bulk_create([
        RiskAssessment(engagement=e, version=1, status=AssessmentStatus.ENDORSED, final_rating="medium",
                       decided_at=now - timedelta(days=400))
        for e in engagements
    ])
    plans = MitigationPlan.objects.bulk_create([MitigationPlan(engagement=e, residual_risk="low") for e in engagements])
    MitigationMeasure.objects.bulk_create([
        MitigationMeasure(plan=p, title=f"Vetting of unit {i}", measure_type=MeasureType.SCREENING_EXCLUSION,
                          due_date=today - timedelta(days=5))
        for i, p in enumerate(plans)
    ])
    incidents = Incident.objects.bulk_create([
        Incident(engagement=e, recipient=e.recipient, occurred_on=today - timedelta(days=10), description="Bulk",
                 categories=["gross_violations", "pattern"], channel=Channel.COMMUNITY_REPORT,
                 victims="Bulk victim", witnesses="Bulk witness", source_details="Bulk source")
        for e in engagements
    ])
    persons = {p.recipient_id: p for p in PersonOfInterest.objects.filter(recipient__in=recipients)}
    Incident.persons_implicated.through.objects.bulk_create([
        Incident.persons_implicated.through(incident_id=i.pk, personofinterest_id=persons[i.recipient_id].pk)
        for i in incidents
    ])
    Letter.objects.bulk_create([
        Letter(engagement=e, kind=LetterKind.NOTIFICATION, reference=f"{e.reference}/L", addressee="Ministry",
               signatory=actor, created_by=actor)
        for e in engagements
    ])
    AuditEntry.objects.bulk_create([
        entry
        for e in engagements
        for entry in (
            AuditEntry(engagement=e, actor=actor, action="submit_assessment", from_state=State.ASSESSMENT,
                       to_state=State.ENDORSEMENT, justification="Bulk", at=now - timedelta(days=60)),
            AuditEntry(engagement=e, actor=actor, action="endorse", from_state=State.ENDORSEMENT,
                       to_state=State.MITIGATION, justification="Bulk", at=now - timedelta(days=50)),
        )
    ])
    return engagements


def _queries_of(client, user, url: str, params: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    client.get(url, params)  # the first request of a session settles its keys
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def queries_for_10_and_1000(client, users, office_a, office_b, url: str, params: dict | None = None):
    """The queries one page costs each user with 10 engagements, then with 1,000 (half in each office)."""
    params = params or {}
    bulk_portfolio(office_a, 5)
    bulk_portfolio(office_b, 5)
    few = [_queries_of(client, user, url, params) for user in users]
    bulk_portfolio(office_a, 495)
    bulk_portfolio(office_b, 495)
    many = [_queries_of(client, user, url, params) for user in users]
    return few, many
