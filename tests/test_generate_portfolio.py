"""manage.py generate_portfolio: a synthetic portfolio that agrees with the app's own rules,
made once, and removed exactly."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from hrddp import guards
from hrddp.lifecycle import all_transitions
from hrddp.models import AuditEntry, Engagement, Membership, Office, Recipient, RecipientCategory, Role, State, User
from interventions.models import Letter, LetterKind
from mitigation.models import MeasureStatus, MitigationMeasure
from monitoring.models import Channel, Incident, ViolationCategory
from tests.factories import EngagementFactory, OfficeFactory

SMALL = dict(offices=2, engagements=30, incidents=200, seed=1)


def _generate(**options) -> str:
    out = StringIO()
    call_command("generate_portfolio", stdout=out, **{**SMALL, **options})
    return out.getvalue()


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def generated(db, debug_on):
    return _generate()


def _synthetic_engagements():
    return Engagement.objects.filter(office__code__startswith="syn")


def test_it_makes_the_sizes_asked_for(generated):
    assert Office.objects.filter(code__in=["syn01", "syn02"]).count() == 2
    assert _synthetic_engagements().count() == 30
    assert Incident.objects.filter(engagement__in=_synthetic_engagements()).count() == 200
    assert "Generated" in generated


def test_it_makes_every_state_when_asked_for_enough_engagements(generated):
    states = set(_synthetic_engagements().values_list("state", flat=True))

    assert states == set(State.values)


def test_each_audit_trail_leads_from_open_through_declared_transitions_to_the_current_state(generated):
    declared = {(t.name, t.source, t.target) for t in all_transitions()}
    for engagement in _synthetic_engagements():
        entries = list(engagement.audit_entries.order_by("at", "pk"))

        assert (entries[0].action, entries[0].from_state, entries[0].to_state) == ("open", "", State.DRAFT)
        for before, after in zip(entries, entries[1:]):
            assert after.from_state == before.to_state
            assert after.at > before.at
            assert (after.action, after.from_state, after.to_state) in declared
        assert entries[-1].to_state == engagement.state
        assert entries[-1].at == engagement.state_changed_at
        assert engagement.revision == len(entries) - 1


def test_support_approved_at_is_when_support_was_last_approved(generated):
    for engagement in _synthetic_engagements():
        approvals = list(engagement.audit_entries.filter(action="approve_support").order_by("at").values_list("at", flat=True))

        assert engagement.support_approved_at == (approvals[-1] if approvals else None)


def test_approved_engagements_had_their_notification_letter_issued_before_approval(generated):
    for engagement in _synthetic_engagements().filter(support_approved_at__isnull=False):
        first_approval = engagement.audit_entries.filter(action="approve_support").order_by("at").first().at
        letter = engagement.letters.filter(kind=LetterKind.NOTIFICATION, issued_at__isnull=False).first()

        assert letter is not None
        assert letter.issued_at < first_approval


def test_engagements_awaiting_a_decision_hold_what_their_submission_required(db, debug_on):
    _generate(engagements=200, incidents=500)

    endorsement = _synthetic_engagements().filter(state=State.ENDORSEMENT)
    approval = _synthetic_engagements().filter(state=State.APPROVAL)

    assert endorsement.exists() and approval.exists()
    for engagement in endorsement:
        assert guards.assessment_complete.refusals(engagement) == []
    for engagement in approval:
        assert guards.mitigation_plan_complete.refusals(engagement) == []


def test_it_leaves_some_reassessments_overdue_and_some_measures_past_due(db, debug_on):
    _generate(engagements=200, incidents=500)

    year_ago = timezone.now() - timedelta(days=365)
    overdue = [
        e for e in _synthetic_engagements().filter(state=State.ACTIVE).select_related("project")
        if e.project.lasts_over_a_year and e.current_assessment.decided_at < year_ago
    ]
    past_due = MitigationMeasure.objects.filter(
        plan__engagement__in=_synthetic_engagements().filter(state=State.ACTIVE), due_date__lt=timezone.localdate(),
    ).exclude(status__in=[MeasureStatus.IN_PLACE, MeasureStatus.DROPPED])

    assert overdue
    assert past_due.exists()


def test_incidents_cover_every_category_and_channel_with_some_grave_and_some_unfounded(generated):
    incidents = Incident.objects.filter(engagement__in=_synthetic_engagements())
    categories = {c for row in incidents.values_list("categories", flat=True) for c in row}

    assert categories == set(ViolationCategory.values)
    assert set(incidents.values_list("channel", flat=True)) == set(Channel.values)
    assert all(1 <= len(row) <= 2 for row in incidents.values_list("categories", flat=True))
    assert incidents.filter(grave_violation=True, substantial_grounds=True).exists()
    assert incidents.filter(verification_status="unfounded").exists()
    assert all("synthetic" in v for v in incidents.values_list("victims", flat=True))


def test_recipients_cover_every_category_from_force_to_unit(generated):
    recipients = Recipient.objects.filter(country__startswith="Syn ")

    assert set(recipients.values_list("category", flat=True)) == set(RecipientCategory.values)
    unit = recipients.filter(level="unit").select_related("parent__parent").first()
    assert (unit.parent.level, unit.parent.parent.level) == ("command", "force")


def test_it_makes_the_benchmark_logins_with_their_roles(generated):
    hq = User.objects.get(username="bench.hq")
    pm = User.objects.get(username="bench.pm")

    assert Membership.objects.filter(user=hq, role=Role.HQ_HUMAN_RIGHTS, office=None).exists()
    assert Membership.objects.get(user=pm, role=Role.PROJECT_MANAGER).office.code == "syn01"
    assert hq.groups.exists() and pm.groups.exists()
    assert hq.check_password("synthetic-portfolio-2026")


def test_a_second_run_without_clear_refuses_and_adds_nothing(generated):
    before = _synthetic_engagements().count(), AuditEntry.objects.count()

    with pytest.raises(CommandError, match="--clear"):
        _generate()

    assert (_synthetic_engagements().count(), AuditEntry.objects.count()) == before


def test_it_refuses_when_debug_is_off_unless_forced(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        _generate()
    assert not Office.objects.filter(code__startswith="syn").exists()

    _generate(force=True, engagements=5, incidents=10)
    assert _synthetic_engagements().count() == 5


def test_clear_removes_the_synthetic_rows_and_nothing_else(db, debug_on):
    # Given another office's engagement with its audit entry and an issued letter
    own = EngagementFactory(office=OfficeFactory(code="drv", country="Darvonia"))
    actor = User.objects.create(username="pm.darvonia")
    AuditEntry.objects.create(engagement=own, actor=actor, action="open", to_state="draft", justification="x")
    _generate()
    before = {m: m._base_manager.count() for m in (Office, Engagement, AuditEntry, Letter, Incident, Recipient, User)}

    # When the synthetic portfolio is cleared
    try:
        output = StringIO()
        call_command("generate_portfolio", clear_only=True, stdout=output)
    except CommandError as exc:
        if connection.vendor == "postgresql" and "drop the database" in str(exc):
            pytest.skip("PostgreSQL's trigger keeps audit entries permanent: the benchmark database is dropped instead.")
        raise

    # Then only the synthetic rows are gone
    assert list(Office.objects.values_list("code", flat=True)) == ["drv"]
    assert list(Engagement.objects.all()) == [own]
    assert list(AuditEntry.objects.values_list("engagement", flat=True)) == [own.pk]
    assert not Letter.objects.exists() and not Incident.objects.exists()
    assert not Recipient.objects.filter(country__startswith="Syn ").exists()
    assert list(User.objects.values_list("username", flat=True)) == ["pm.darvonia"]
    assert before[Engagement] == 31
    assert "Removed" in output.getvalue()


def test_clear_then_generate_replaces_the_portfolio(generated):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's trigger keeps audit entries permanent: the benchmark database is dropped instead.")

    _generate(clear=True, engagements=12, incidents=40)

    assert _synthetic_engagements().count() == 12
    assert Incident.objects.count() == 40
