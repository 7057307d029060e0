"""Screening a list of names for an activity: each line is matched against the persons of interest of the
activity's country, tolerant of accents, order and typos; a certain match to an excluded person or one with a
substantiated allegation is red, any other match amber, no match green; the project manager resolves each
match with a reason, and every screening and decision is in the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import AuditAction, AuditEntry, PersonOfInterest
from interventions.exclusions import exclusion_record
from register.models import AllegationCategory, NameScreening, NameScreeningLine, PersonAlias
from register.screening import name_screening_run, screening_counts, screening_line_resolve
from register.services import allegation_record, allegation_status_change
from tests.factories import EngagementFactory, RecipientFactory, SupportActivityFactory


@pytest.fixture
def activity(engagement):
    return SupportActivityFactory(engagement=engagement, description="Human rights training, March course")


def _person(engagement, name, **fields):
    return PersonOfInterest.objects.create(full_name=name, recipient=engagement.recipient, **fields)


def _allege(by, person):
    return allegation_record(
        by=by, person=person, category=AllegationCategory.GROSS_VIOLATIONS,
        summary="Beat detainees at the Kael post.",
    )


def _substantiate(pm, com, person):
    allegation = _allege(pm, person)
    return allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="Two reports agree.")


def _run(by, activity, text, title="Trainees, March course"):
    return name_screening_run(by=by, activity=activity, title=title, text=text)


def _lines(screening):
    return {line.name: line for line in screening.lines.all()}


def test_lefevre_etienne_finds_etienne_lefevre_as_a_match_for_the_project_manager_to_confirm(pm, activity, engagement):
    # Given Étienne Lefèvre is a person of interest with nothing against him
    person = _person(engagement, "Étienne Lefèvre", birth_year=1971)

    # When the list holds him as "LEFEVRE, Etienne"
    screening = _run(pm, activity, "LEFEVRE, Etienne; 1971")

    # Then the line is amber, with him as its match, the score and what matched
    line = screening.lines.get()
    assert line.name == "LEFEVRE, Etienne" and line.birth_year == 1971
    assert line.result == line.outcome == "possible"
    assert line.person == person and line.score == 100
    candidate = line.candidates[0]
    assert candidate["person"] == person.pk and candidate["matched_name"] == "Étienne Lefèvre"
    assert "same apart from accents" in candidate["reasons"] and "surname written first" in candidate["reasons"]
    assert candidate["flags"] == []


def test_an_excluded_person_is_red(pm, com, activity, engagement):
    # Given the person is excluded from support
    person = _person(engagement, "Tomas Reyl", birth_year=1968)
    exclusion_record(engagement=engagement, by=com, reason="Ordered the Kael killings", person=person)

    # When he is on the list
    line = _run(pm, activity, "Tomas Reyl; 1968").lines.get()

    # Then the line is red and says so
    assert line.result == line.outcome == "flagged" and line.person == person
    assert line.candidates[0]["flags"] == ["excluded"]


def test_a_person_with_a_substantiated_allegation_is_red(pm, com, activity, engagement):
    person = _person(engagement, "Marta Oyelaran")
    _substantiate(pm, com, person)

    line = _run(pm, activity, "Marta Oyelaran").lines.get()

    assert line.result == "flagged" and line.person == person
    assert line.candidates[0]["flags"] == ["substantiated"]


def test_a_name_matched_through_an_alias_is_found(pm, activity, engagement):
    person = _person(engagement, "Idris Valemo")
    PersonAlias.objects.create(person=person, name="Le Renard")

    line = _run(pm, activity, "Le Renard").lines.get()

    assert line.result == "possible" and line.person == person
    assert line.candidates[0]["matched_name"] == "Le Renard"


def test_an_unrelated_name_is_green_with_no_candidate(pm, activity, engagement):
    _person(engagement, "Étienne Lefèvre")

    line = _run(pm, activity, "Amina Diallo").lines.get()

    assert line.result == line.outcome == "clear" and line.person is None and line.candidates == []


def test_a_possible_match_to_an_excluded_person_is_amber_with_the_exclusion_shown(pm, com, activity, engagement):
    # Given an excluded person, and a line with one letter wrong and no year: possible, not certain
    person = _person(engagement, "Tomas Reyl")
    exclusion_record(engagement=engagement, by=com, reason="Ordered the Kael killings", person=person)

    line = _run(pm, activity, "Thomas Reyl").lines.get()

    # Then it is amber (the project manager confirms), and the candidate says he is excluded
    assert line.result == "possible" and line.person == person
    assert line.candidates[0]["level"] == "possible" and line.candidates[0]["flags"] == ["excluded"]


def test_a_person_of_interest_of_another_country_is_not_matched(pm, activity, engagement):
    elsewhere = RecipientFactory(country="Meridia")
    PersonOfInterest.objects.create(full_name="Étienne Lefèvre", recipient=elsewhere)

    line = _run(pm, activity, "Étienne Lefèvre").lines.get()

    assert line.result == "clear"


def test_the_screening_is_kept_with_the_activity_and_audited_with_its_counts(pm, com, activity, engagement):
    person = _person(engagement, "Tomas Reyl")
    exclusion_record(engagement=engagement, by=com, reason="Ordered the Kael killings", person=person)
    _person(engagement, "Étienne Lefèvre")

    screening = _run(pm, activity, "Tomas Reyl\nLEFEVRE, Etienne\nAmina Diallo\nJosé Ramírez")

    assert screening.activity == activity and screening.created_by == pm
    assert screening_counts(screening) | {} == {"clear": 2, "possible": 1, "flagged": 1, "lines": 4, "to_resolve": 2}
    entry = AuditEntry.objects.get(action=AuditAction.SCREEN_NAMES)
    assert entry.engagement == engagement and entry.actor == pm
    assert (entry.details["lines"], entry.details["clear"], entry.details["possible"], entry.details["flagged"]) == (4, 2, 1, 1)
    assert entry.details["screening"] == screening.pk


def test_the_chief_of_mission_may_screen_but_an_auditor_hq_or_another_office_may_not(com, auditor, hq, outsider, activity):
    assert _run(com, activity, "Amina Diallo").lines.count() == 1
    for user in (auditor, hq, outsider):
        with pytest.raises(PermissionDenied):
            _run(user, activity, "Amina Diallo")
    assert NameScreening.objects.count() == 1


def test_a_list_with_a_bad_line_and_no_title_is_refused_whole_with_every_problem(pm, activity):
    with pytest.raises(ValidationError) as refused:
        _run(pm, activity, "Amina Diallo; 1980\nJosé Ramírez; 31/02/1975\nLe Renard; someday", title=" ")

    errors = refused.value.message_dict
    assert errors["title"]
    assert any(e.startswith("Line 2: the date of birth “31/02/1975” is not a date") for e in errors["text"])
    assert any(e.startswith("Line 3: the date of birth “someday” cannot be read") for e in errors["text"])
    assert not NameScreening.objects.exists() and not AuditEntry.objects.filter(action=AuditAction.SCREEN_NAMES).exists()


def test_an_empty_list_or_both_a_list_and_a_file_is_refused(pm, activity):
    with pytest.raises(ValidationError, match="Paste the list of names"):
        _run(pm, activity, "")
    with pytest.raises(ValidationError, match="not both"):
        name_screening_run(by=pm, activity=activity, title="x", text="Amina Diallo", upload=object())


# --- Resolving ---------------------------------------------------------------------------------------------


@pytest.fixture
def amber_line(pm, activity, engagement):
    person = _person(engagement, "Étienne Lefèvre", birth_year=1971)
    screening = _run(pm, activity, "LEFEVRE, Etienne; 1971")
    return screening.lines.get(), person


def test_a_match_resolved_without_a_reason_is_refused(pm, amber_line):
    line, _ = amber_line
    with pytest.raises(ValidationError) as refused:
        screening_line_resolve(by=pm, line=line, decision="not_same_person", reason="  ")
    assert "reason" in refused.value.message_dict
    line.refresh_from_db()
    assert line.decision == "" and line.outcome == "possible"
    assert not AuditEntry.objects.filter(action=AuditAction.RESOLVE_SCREENING_MATCH).exists()


def test_not_the_same_person_turns_the_line_green_with_who_decided(pm, amber_line):
    line, _ = amber_line

    line = screening_line_resolve(by=pm, line=line, decision="not_same_person", reason="Born in Kael, unit differs.")

    line.refresh_from_db()
    assert (line.decision, line.outcome, line.result) == ("not_same_person", "clear", "possible")
    assert line.decided_by == pm and line.decided_at and line.decision_reason == "Born in Kael, unit differs."
    entry = AuditEntry.objects.get(action=AuditAction.RESOLVE_SCREENING_MATCH)
    assert entry.justification.endswith("Born in Kael, unit differs.")
    assert entry.details["before"] == {"decision": "", "outcome": "possible", "person": line.person_id}


def test_the_same_person_with_nothing_against_them_is_green_with_an_open_allegation_amber_and_when_substantiated_red(
    pm, com, amber_line
):
    line, person = amber_line
    line = screening_line_resolve(by=pm, line=line, decision="same_person", reason="Same service number.")
    assert line.outcome == "clear"

    allegation = _allege(pm, person)
    line = screening_line_resolve(by=pm, line=line, decision="same_person", reason="Same service number.")
    assert line.outcome == "possible"

    allegation_status_change(by=com, allegation=allegation, to_status="substantiated", reason="Two reports agree.")
    line = screening_line_resolve(by=com, line=line, decision="same_person", reason="Confirmed by the unit's roster.")
    assert line.outcome == "flagged" and line.decided_by == com
    # Each decision is in the audit trail
    assert AuditEntry.objects.filter(action=AuditAction.RESOLVE_SCREENING_MATCH).count() == 3


def test_a_red_line_may_be_resolved_as_a_namesake(pm, com, activity, engagement):
    person = _person(engagement, "Tomas Reyl", birth_year=1968)
    exclusion_record(engagement=engagement, by=com, reason="Ordered the Kael killings", person=person)
    line = _run(pm, activity, "Tomas Reyl; 1968").lines.get()

    line = screening_line_resolve(by=pm, line=line, decision="not_same_person", reason="A namesake: a cadet, aged 19.")

    assert line.result == "flagged" and line.outcome == "clear"


def test_the_same_person_must_be_one_of_the_lines_matches_and_a_clear_line_has_nothing_to_resolve(pm, activity, engagement, amber_line):
    line, _ = amber_line
    other = _person(engagement, "Amina Diallo")
    with pytest.raises(ValidationError, match="among its matches"):
        screening_line_resolve(by=pm, line=line, decision="same_person", reason="x", person_id=other.pk)
    with pytest.raises(ValidationError, match="Say whether"):
        screening_line_resolve(by=pm, line=line, decision="maybe", reason="x")

    clear = _run(pm, activity, "Josephine Mbeki").lines.get()
    with pytest.raises(ValidationError, match="nothing to resolve"):
        screening_line_resolve(by=pm, line=clear, decision="not_same_person", reason="x")


def test_an_auditor_or_another_office_may_not_resolve(auditor, outsider, amber_line):
    line, _ = amber_line
    for user in (auditor, outsider):
        with pytest.raises(PermissionDenied):
            screening_line_resolve(by=user, line=line, decision="not_same_person", reason="x")


def test_a_screening_of_another_engagement_of_the_country_sees_the_same_register(pm, office_a, engagement):
    # Given two engagements with recipients of the same country
    other = EngagementFactory(office=office_a)
    person = _person(engagement, "Étienne Lefèvre")
    activity = SupportActivityFactory(engagement=other)

    line = _run(pm, activity, "Etienne Lefevre").lines.get()

    assert line.person == person
    assert NameScreeningLine.objects.count() == 1
