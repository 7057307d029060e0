"""The Chief of Mission's determination of a grave violation on reliable information (P¶26), its withdrawal,
and the corroborating sources that let low-graded information ground it (monitoring.determinations)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import AuditEntry, State
from monitoring import determinations
from monitoring.determinations import (
    corroborating_source_add,
    determination_refusals,
    grave_violation_determination_withdraw,
    grave_violation_determine,
)
from monitoring.models import GraveViolationDetermination, Incident
from monitoring.signals import incidents_graded_grave
from tests.builders import approved_support, assert_refused, assert_taken, grave_incident
from tests.factories import EngagementFactory
from tests.test_incident_helpers import active, command, force, log, unit  # noqa: F401 - fixtures

F6_REFUSAL = (
    "The only source is graded F6 (reliability cannot be judged; truth cannot be judged): it can ground a "
    "determination only when corroborated by an independent source graded A–D and 1–4, or when the incident is "
    "verified (corroborated)."
)
NO_DETERMINATION = "No grave violation has been determined by the Chief of Mission on reliable information (P¶26)."
REASONS = "Two independent witnesses and OHCHR's report describe the killings."


def _proposed(engagement, pm, **changes):
    """A grave violation as the project manager proposes it, graded F6 and unverified unless changed."""
    values = dict(
        grave_violation=True, categories=["war_crimes"], source_reliability="F", information_credibility="6",
        verification_status="unverified",
    )
    return log(engagement, pm, **(values | changes))


def _refusals_of(call):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_a_low_graded_uncorroborated_incident_cannot_be_determined(pm, com, active):
    # given a grave violation whose only source is graded F6, unverified
    incident = _proposed(active, pm)

    # when the Chief of Mission tries to determine it
    errors = _refusals_of(lambda: grave_violation_determine(by=com, incident=incident, reasons=REASONS))

    # then it is refused in a project manager's words, and nothing is written
    assert errors["__all__"] == [F6_REFUSAL]
    assert determination_refusals(incident) == [F6_REFUSAL]
    assert not GraveViolationDetermination.objects.exists()
    assert Incident.objects.get().substantial_grounds is False
    assert not AuditEntry.objects.filter(action="determine_grave_violation").exists()


@pytest.mark.parametrize("grade", ["E1", "B5", "A6"])
def test_any_low_grade_needs_corroboration(pm, com, active, grade):
    incident = _proposed(active, pm, source_reliability=grade[0], information_credibility=grade[1])

    assert len(determination_refusals(incident)) == 1
    assert determination_refusals(incident)[0].startswith(f"The only source is graded {grade} (")


def test_an_independent_corroborating_source_graded_a_to_d_and_1_to_4_allows_it(pm, com, active):
    # given the F6 grave violation, with a source added by the project manager graded B2, independent
    incident = _proposed(active, pm)
    corroborating_source_add(
        by=pm, incident=incident, description="OHCHR field report", source_reliability="B", information_credibility="2",
    )

    # when the Chief of Mission determines it
    determination = grave_violation_determine(by=com, incident=incident, reasons=REASONS)

    # then it is recorded with who, when, the reasons and the grades it rests on, and the flag is set
    assert (determination.determined_by, determination.role, determination.reasons) == (com, "Chief of Mission", REASONS)
    assert determination.grades["incident"] == "F6"
    assert [s["grade"] for s in determination.grades["corroborating_sources"]] == ["B2"]
    assert Incident.objects.get().gives_substantial_grounds_of_grave_violation


@pytest.mark.parametrize(
    "source", [dict(source_reliability="B", information_credibility="2", independent=False),
               dict(source_reliability="E", information_credibility="2"),
               dict(source_reliability="B", information_credibility="5")],
    ids=["not-independent", "itself-unreliable", "itself-improbable"],
)
def test_a_dependent_or_low_graded_corroborating_source_does_not_allow_it(pm, com, active, source):
    incident = _proposed(active, pm)
    corroborating_source_add(by=pm, incident=incident, description="Another account", **source)

    assert determination_refusals(incident) == [F6_REFUSAL]


def test_verification_allows_it(pm, com, active):
    # given the F6 grave violation, now verified (corroborated)
    incident = _proposed(active, pm, verification_status="corroborated")

    # when the Chief of Mission determines it, then it is determined
    grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    assert Incident.objects.get().substantial_grounds is True


def test_a_well_graded_source_needs_no_corroboration(pm, com, active):
    incident = _proposed(active, pm, source_reliability="B", information_credibility="2")

    assert determination_refusals(incident) == []


@pytest.mark.parametrize(
    "changes, fragment",
    [(dict(grave_violation=False), "not classified as a grave violation"),
     (dict(verification_status="unfounded", source_reliability="B", information_credibility="2"), "marked unfounded")],
)
def test_an_incident_not_classified_grave_or_unfounded_cannot_be_determined(pm, com, active, changes, fragment):
    incident = _proposed(active, pm, **changes)

    errors = _refusals_of(lambda: grave_violation_determine(by=com, incident=incident, reasons=REASONS))

    assert any(fragment in message for message in errors["__all__"])


def test_reasons_are_required(pm, com, active):
    incident = _proposed(active, pm, verification_status="corroborated")

    errors = _refusals_of(lambda: grave_violation_determine(by=com, incident=incident, reasons="   "))

    assert "Give the reasons" in errors["reasons"][0]
    assert not GraveViolationDetermination.objects.exists()


@pytest.mark.parametrize("who", ["pm", "com_b", "auditor"])
def test_only_the_chief_of_mission_of_the_office_determines(pm, active, who, request):
    incident = _proposed(active, pm, verification_status="corroborated")

    with pytest.raises(PermissionDenied):
        grave_violation_determine(by=request.getfixturevalue(who), incident=incident, reasons=REASONS)


def test_the_determination_escalates_announces_and_is_audited_in_its_transaction(
    pm, com, active, django_capture_on_commit_callbacks
):
    # given a verified grave violation, and someone listening to the announcement
    incident = _proposed(active, pm, verification_status="corroborated")
    heard = []

    def listener(sender, incidents, by, **kwargs):
        heard.append(([i.pk for i in incidents], by, AuditEntry.objects.filter(action="determine_grave_violation").count()))

    incidents_graded_grave.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False):
            grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    finally:
        incidents_graded_grave.disconnect(listener)

    # then the audit entry is written before the announcement, the incident is escalated (P¶25)
    assert heard == [([incident.pk], com, 1)]
    entry = AuditEntry.objects.get(action="determine_grave_violation")
    assert (entry.engagement, entry.actor) == (active, com)
    assert REASONS in entry.justification and entry.details["escalated"] is True
    assert Incident.objects.get().escalated_at is not None


def test_a_failing_audit_entry_undoes_the_determination(pm, com, active, monkeypatch):
    # given the audit trail failing to write
    incident = _proposed(active, pm, verification_status="corroborated")

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(determinations, "audit_record", broken)

    # when the Chief of Mission determines, then nothing of the determination remains
    with pytest.raises(RuntimeError):
        grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    assert not GraveViolationDetermination.objects.exists()
    assert Incident.objects.get().substantial_grounds is False and Incident.objects.get().escalated_at is None


def test_a_withdrawal_with_reasons_lifts_the_flag_and_is_audited(pm, com, active):
    # given a determination in force
    incident = _proposed(active, pm, verification_status="corroborated")
    determination = grave_violation_determine(by=com, incident=incident, reasons=REASONS)

    # when the Chief of Mission records that it was mistaken
    grave_violation_determination_withdraw(by=com, determination=determination, reason="The witnesses retracted.")

    # then the flag is lifted, the determination kept as withdrawn, and the withdrawal audited
    determination.refresh_from_db()
    assert (determination.withdrawn_by, determination.withdrawal_reason) == (com, "The witnesses retracted.")
    assert Incident.objects.get().substantial_grounds is False
    entry = AuditEntry.objects.get(action="withdraw_determination")
    assert (entry.engagement, entry.actor) == (active, com) and "The witnesses retracted." in entry.justification
    # and a new determination may be made again later
    assert determination_refusals(Incident.objects.get()) == []


def test_a_withdrawal_needs_a_reason_and_the_chief_of_mission(pm, com, active):
    incident = _proposed(active, pm, verification_status="corroborated")
    determination = grave_violation_determine(by=com, incident=incident, reasons=REASONS)

    errors = _refusals_of(lambda: grave_violation_determination_withdraw(by=com, determination=determination, reason=""))
    assert "Say why" in errors["reason"][0]
    with pytest.raises(PermissionDenied):
        grave_violation_determination_withdraw(by=pm, determination=determination, reason="Mistaken.")
    assert Incident.objects.get().substantial_grounds is True


def test_the_project_manager_cannot_declassify_a_determined_incident(pm, com, active):
    from monitoring.incident_services import incident_update

    incident = _proposed(active, pm, verification_status="corroborated")
    grave_violation_determine(by=com, incident=incident, reasons=REASONS)

    errors = _refusals_of(lambda: incident_update(incident=incident, by=pm, data={"grave_violation": False}, persons=None))
    assert "withdraws the determination" in errors["grave_violation"][0]


def test_a_corroborating_source_is_graded_and_audited_and_refused_to_an_outsider(pm, outsider, active):
    incident = _proposed(active, pm)

    errors = _refusals_of(lambda: corroborating_source_add(
        by=pm, incident=incident, description="", source_reliability="Z", information_credibility="9",
    ))
    assert set(errors) == {"description", "source_reliability", "information_credibility"}
    with pytest.raises(PermissionDenied):
        corroborating_source_add(
            by=outsider, incident=incident, description="x", source_reliability="B", information_credibility="2",
        )
    corroborating_source_add(
        by=pm, incident=incident, description="OHCHR", source_reliability="B", information_credibility="2",
    )
    entry = AuditEntry.objects.filter(action="update_incident").latest("pk")
    assert entry.details["incident"] == incident.pk and "graded B2" in entry.justification


# --- The intercession needs a determination (P¶26) ------------------------------------------------------------


def test_open_intercession_is_refused_without_a_determination_and_allowed_with_one(office_a, pm, com):
    # given a supported engagement with an F6 grave violation the project manager proposed
    engagement = approved_support(EngagementFactory(office=office_a, state=State.ACTIVE))
    incident = grave_incident(engagement, substantial=False)
    incident.engagement = engagement

    # then no intercession opens before the Chief of Mission determines it
    assert_refused(engagement, "open_intercession", pm, NO_DETERMINATION)

    # when a corroborating source is added and the Chief of Mission determines it
    corroborating_source_add(
        by=pm, incident=incident, description="OHCHR report", source_reliability="A", information_credibility="2",
    )
    determination = grave_violation_determine(by=com, incident=incident, reasons=REASONS)

    # then a withdrawn determination does not count, and one in force opens the intercession
    grave_violation_determination_withdraw(by=com, determination=determination, reason="Mistaken identity.")
    assert_refused(engagement, "open_intercession", pm, NO_DETERMINATION)
    grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    assert_taken(engagement, "open_intercession", pm, to=State.INTERCESSION)
