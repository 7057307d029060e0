"""The portfolio report for a chosen period (P¶24): the nature and scope of the support, the
measures employed, and the impact, over what the user may see."""

from datetime import UTC, date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import assign_perm

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp.models import ActivityType, AuditEntry, Delivery, Engagement, PersonOfInterest, RecipientCategory, State
from interventions.models import Exclusion, Letter, LetterKind
from mitigation.models import MeasureStatus, MeasureType, MitigationPlan
from monitoring.models import Channel, Incident, VerificationStatus, ViolationCategory
from portfolio.period_figures import period_report_data
from portfolio.period_report import period_report_html, period_report_render_pdf
from tests.builders import add_measure
from tests.factories import EngagementFactory, OfficeFactory, ProjectFactory, RecipientFactory, SupportActivityFactory
from tests.pages import pdf_text

START, END = date(2026, 1, 1), date(2026, 6, 30)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def supported(office, *, approved=date(2026, 1, 10), state=State.ACTIVE, changed=None, **fields) -> Engagement:
    """An engagement whose support was approved on `approved` and that is in `state` since `changed`."""
    engagement = EngagementFactory(office=office, **fields)
    Engagement.objects.filter(pk=engagement.pk).update(
        state=state, support_approved_at=at(approved) if approved else None, state_changed_at=at(changed or approved),
    )
    return Engagement.objects.get(pk=engagement.pk)


def activity(engagement, activity_type, *, partner=""):
    return SupportActivityFactory(
        engagement=engagement, activity_type=activity_type,
        delivery=Delivery.INDIRECT if partner else Delivery.DIRECT, implementing_partner=partner,
    )


def rated(engagement, *, final, residual):
    RiskAssessment.objects.create(engagement=engagement, version=1, status=AssessmentStatus.ENDORSED, final_rating=final)
    MitigationPlan.objects.update_or_create(engagement=engagement, defaults={"residual_risk": residual})


def incident(engagement, day, *, channel=Channel.UN_MONITORING, categories=(), grave=False, grounds=False,
             verification=VerificationStatus.CORROBORATED, **fields):
    return Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient, occurred_on=day, description="Allegation.",
        channel=channel, categories=list(categories), grave_violation=grave, substantial_grounds=grounds,
        verification_status=verification, **fields,
    )


def step(engagement, action, day, *, by, from_state="", to_state=""):
    return AuditEntry.objects.create(
        engagement=engagement, actor=by, action=action, from_state=from_state, to_state=to_state,
        justification="Recorded for the report test.", at=at(day),
    )


def letter(engagement, kind, day, *, by):
    number = Letter.objects.count() + 1
    return Letter.objects.create(
        engagement=engagement, kind=kind, reference=f"{engagement.reference}/L/{number:03d}",
        addressee="Ministry of the Interior", signatory=by, issued_at=at(day), issued_by=by,
    )


@pytest.fixture
def portfolio(office_a, office_b, com, com_b):
    """Office A: two engagements with support in the first half of 2026 (one in intercession), one whose
    support ended before it, one awaiting endorsement and a draft; office B: one with support."""
    shared_project = ProjectFactory(office=office_a, code="A-1", budget=Decimal("100000"), currency="USD")
    police = RecipientFactory(name="Esse Police", country=office_a.country, category=RecipientCategory.POLICE)
    border = RecipientFactory(name="North-East Border Command", country=office_a.country,
                              category=RecipientCategory.BORDER_CUSTOMS)

    esse = supported(office_a, project=shared_project, recipient=police, title="Police post near the IDP site")
    activity(esse, ActivityType.TRAINING)
    activity(esse, ActivityType.TRAINING)
    activity(esse, ActivityType.MATERIAL, partner="Darvonia Relief")
    rated(esse, final="medium", residual="low")
    add_measure(esse, title="Monthly patrol reports", measure_type=MeasureType.MONITORING,
                status=MeasureStatus.PLANNED, due_date=date(2026, 3, 1))
    add_measure(esse, title="Use-of-force SOP", measure_type=MeasureType.SOP,
                status=MeasureStatus.IN_PLACE, due_date=date(2026, 2, 1))
    add_measure(esse, title="Vetting of trainees", measure_type=MeasureType.SCREENING_EXCLUSION,
                status=MeasureStatus.IN_PROGRESS, due_date=date(2026, 9, 1))

    north_east = supported(
        office_a, approved=date(2025, 11, 1), state=State.INTERCESSION, changed=date(2026, 4, 2),
        project=shared_project, recipient=border, title="Radio equipment for the North-East",
    )
    activity(north_east, ActivityType.INFRASTRUCTURE)
    rated(north_east, final="high", residual="medium")
    step(north_east, "resume", date(2025, 12, 1), by=com, from_state="suspended", to_state="active")
    step(north_east, "open_intercession", date(2026, 4, 2), by=com, from_state="active", to_state="intercession")
    incident(north_east, date(2026, 3, 5), channel=Channel.PUBLIC_SOURCE, grave=True, grounds=True,
             categories=[ViolationCategory.WAR_CRIMES, ViolationCategory.GROSS_VIOLATIONS])
    incident(north_east, date(2026, 2, 10), channel=Channel.COMMUNITY_REPORT, categories=[ViolationCategory.GROSS_VIOLATIONS])
    incident(north_east, date(2026, 5, 20), channel=Channel.GRIEVANCE_MECHANISM, grave=True,
             verification=VerificationStatus.UNFOUNDED)
    incident(north_east, date(2025, 12, 20), channel=Channel.PUBLIC_SOURCE, grave=True, grounds=True)
    letter(north_east, LetterKind.NOTIFICATION, date(2025, 10, 20), by=com)
    letter(north_east, LetterKind.INTERCESSION, date(2026, 4, 10), by=com)
    Exclusion.objects.create(engagement=north_east, unit=border, reason="Killings at the crossing.",
                             excluded_by=com, excluded_at=at(date(2026, 4, 15)))
    colonel = PersonOfInterest.objects.create(full_name="Marek Duval", rank="Colonel", recipient=border)
    Exclusion.objects.create(engagement=north_east, person=colonel, reason="Command responsibility.",
                             excluded_by=com, excluded_at=at(date(2026, 2, 1)), lifted_at=at(date(2026, 5, 1)),
                             lifted_by=com, lift_reason="Removed from command.")

    ended = supported(office_a, approved=date(2025, 3, 1), state=State.CLOSED, changed=date(2025, 12, 15),
                      title="Motorbikes for the Kael post")
    waiting = EngagementFactory(office=office_a, state=State.ENDORSEMENT, title="Border management at the crossings")
    Engagement.objects.filter(pk=waiting.pk).update(state_changed_at=at(date(2026, 5, 1)))
    draft = EngagementFactory(office=office_a, title="Training for the detention centre")

    meridia = supported(
        office_b, approved=date(2026, 2, 1), title="Coast guard boats",
        project=ProjectFactory(office=office_b, code="B-1", budget=Decimal("25000"), currency="EUR"),
        recipient=RecipientFactory(name="Meridian Police", country=office_b.country, category=RecipientCategory.POLICE),
    )
    activity(meridia, ActivityType.TRAINING)
    incident(meridia, date(2026, 6, 30))
    return {"esse": esse, "north_east": north_east, "ended": ended, "waiting": waiting, "draft": draft, "meridia": meridia}


def refs(data) -> list[str]:
    return [line.engagement.reference for line in data.engagements]


def refs_of(block) -> list[str]:
    return [line.engagement.reference for line in block.lines]


# --- Nature and scope --------------------------------------------------------------------------


def test_it_reports_the_engagements_whose_support_ran_during_the_period_office_by_office(hq, portfolio, office_a, office_b):
    # When HQ makes the report of the first half of 2026
    data = period_report_data(user=hq, start=START, end=END)

    # Then each office lists its engagements with support during the period, and no other
    assert [(block.office, [line.engagement.title for line in block.lines]) for block in data.support] == [
        (office_a, ["Police post near the IDP site", "Radio equipment for the North-East"]),
        (office_b, ["Coast guard boats"]),
    ]
    assert data.engagement_count == 3
    assert portfolio["ended"].reference not in refs(data) and portfolio["draft"].reference not in refs(data)
    assert data.scope == "All offices" and data.offices_without_support == []


def test_each_engagement_shows_its_recipient_activities_budget_and_state_at_the_periods_end(hq, portfolio):
    data = period_report_data(user=hq, start=START, end=END)

    esse, north_east, meridia = data.engagements
    assert (esse.engagement.recipient.name, esse.recipient_category) == ("Esse Police", "Police")
    assert [a.text for a in esse.activities] == [
        "Training and capacity-building (P¶8a): 2",
        "Material, equipment, transport: 1, 1 through an implementing partner (Darvonia Relief)",
    ]
    assert esse.budget == "100,000.00 USD" and meridia.budget == "25,000.00 EUR"
    assert (esse.state_at_end, north_east.state_at_end) == ("Active", "Intercession")


def test_it_totals_the_support_by_recipient_category_and_support_type_counting_a_shared_project_once(hq, portfolio):
    data = period_report_data(user=hq, start=START, end=END)

    by_category = data.support_by_category
    assert (by_category.get("police", "engagements"), by_category.get("border_customs", "engagements")) == (2, 1)
    by_type = data.support_by_type
    assert [by_type.get("training", c) for c in ("engagements", "activities", "direct", "indirect")] == [2, 3, 3, 0]
    assert [by_type.get("material", c) for c in ("engagements", "activities", "direct", "indirect")] == [1, 1, 0, 1]
    assert [by_type.get("infrastructure", c) for c in ("engagements", "activities", "direct", "indirect")] == [1, 1, 1, 0]
    # Two engagements of office A share one project: its budget counts once.
    assert data.project_count == 2
    assert data.budget_totals == ["25,000.00 EUR", "100,000.00 USD"]
    assert data.support[0].budget_totals == ["100,000.00 USD"]


def test_it_lists_the_engagements_in_assessment_or_awaiting_a_decision_in_the_period(hq, portfolio):
    data = period_report_data(user=hq, start=START, end=END)

    assert [(item.engagement, item.state_at_end) for item in data.pipeline] == [
        (portfolio["waiting"], "Awaiting endorsement")
    ]


def test_a_request_awaiting_endorsement_in_the_period_and_approved_later_shows_as_it_stood_at_its_end(hq, pm, com, office_a):
    # Given a request submitted for endorsement in May, endorsed in July, approved in August
    engagement = supported(office_a, approved=date(2026, 8, 20), changed=date(2026, 8, 20))
    step(engagement, "submit_assessment", date(2026, 5, 3), by=pm, from_state="assessment", to_state="endorsement")
    step(engagement, "endorse", date(2026, 7, 2), by=com, from_state="endorsement", to_state="mitigation")
    step(engagement, "approve_support", date(2026, 8, 20), by=com, from_state="approval", to_state="active")

    # When the report of the first half of 2026 is made (after all of it)
    data = period_report_data(user=hq, start=START, end=END)

    # Then the engagement had no support then: it was awaiting endorsement
    assert data.engagement_count == 0
    assert [(item.engagement, item.state_at_end) for item in data.pipeline] == [(engagement, "Awaiting endorsement")]


def test_support_that_ended_during_the_period_is_reported_and_support_that_ended_before_it_is_not(hq, office_a):
    closed_in_march = supported(office_a, approved=date(2025, 6, 1), state=State.CLOSED, changed=date(2026, 3, 31))
    ceased_last_year = supported(office_a, approved=date(2025, 6, 1), state=State.CEASED, changed=date(2025, 12, 31))
    approved_after = supported(office_a, approved=date(2026, 7, 1))

    data = period_report_data(user=hq, start=START, end=END)

    assert refs(data) == [closed_in_march.reference]
    assert ceased_last_year.reference not in refs(data) and approved_after.reference not in refs(data)


# --- Risk -------------------------------------------------------------------------------------------


def test_it_counts_the_final_and_residual_risk_per_office(hq, portfolio, office_a, office_b):
    data = period_report_data(user=hq, start=START, end=END)

    assert [data.risk_final.get(office_a.code, level) for level in ("low", "medium", "high", "not_rated")] == [0, 1, 1, 0]
    assert [data.risk_residual.get(office_a.code, level) for level in ("low", "medium", "high", "not_rated")] == [1, 1, 0, 0]
    assert data.risk_final.get(office_b.code, "not_rated") == 1 == data.risk_residual.get(office_b.code, "not_rated")
    assert data.risk_final.totals == [0, 1, 1, 1]


def test_the_rating_is_that_of_the_assessment_decided_by_the_periods_end(hq, office_a):
    # Given an engagement rated medium in 2025 and reassessed high in August 2026
    engagement = supported(office_a, approved=date(2025, 6, 1))
    RiskAssessment.objects.create(engagement=engagement, version=1, status=AssessmentStatus.ENDORSED,
                                  final_rating="medium", decided_at=at(date(2025, 5, 20)))
    RiskAssessment.objects.create(engagement=engagement, version=2, status=AssessmentStatus.ENDORSED,
                                  final_rating="high", decided_at=at(date(2026, 8, 3)))

    data = period_report_data(user=hq, start=START, end=END)

    assert data.engagements[0].final_rating == "medium"


# --- Measures employed ----------------------------------------------------------------------------------


def test_it_counts_the_measures_by_type_and_status_and_lists_those_past_due_at_the_periods_end(hq, portfolio):
    data = period_report_data(user=hq, start=START, end=END)

    assert data.measures.get(MeasureType.MONITORING, MeasureStatus.PLANNED) == 1
    assert data.measures.get(MeasureType.SOP, MeasureStatus.IN_PLACE) == 1
    assert data.measures.get(MeasureType.SCREENING_EXCLUSION, MeasureStatus.IN_PROGRESS) == 1
    assert data.measures.total == 3 and len(data.measures.rows) == 8
    assert [(m.title, m.due_date) for m in data.measures_past_due] == [("Monthly patrol reports", date(2026, 3, 1))]


def test_it_lists_the_exclusions_in_force_at_the_periods_end(hq, portfolio):
    data = period_report_data(user=hq, start=START, end=END)

    assert [(x.excluded, x.kind, x.since) for x in data.exclusions_in_force] == [
        ("North-East Border Command", "Force", date(2026, 4, 15))
    ]
    assert (data.exclusions_recorded, data.exclusions_lifted) == (2, 1)


# --- Impact ---------------------------------------------------------------------------------------------------


def test_it_counts_only_incidents_of_the_period_with_the_unfounded_ones_apart(hq, portfolio):
    data = period_report_data(user=hq, start=START, end=END)

    incidents = data.incidents
    # The one of December 2025 is outside; the one found unfounded is counted apart.
    assert (incidents.counted, incidents.unfounded, incidents.grave_with_grounds) == (3, 1, 1)
    assert incidents.by_category.get(ViolationCategory.WAR_CRIMES, "incidents") == 1
    assert incidents.by_category.get(ViolationCategory.GROSS_VIOLATIONS, "incidents") == 2
    assert incidents.by_category.get(ViolationCategory.GROSS_VIOLATIONS, "grave") == 1
    assert incidents.by_category.get("none", "incidents") == 1
    assert incidents.by_channel.get(Channel.PUBLIC_SOURCE, "grave") == 1
    assert incidents.by_channel.get(Channel.COMMUNITY_REPORT, "incidents") == 1
    assert incidents.by_channel.get(Channel.GRIEVANCE_MECHANISM, "incidents") == 0
    assert incidents.by_channel.totals == [3, 1]


def test_the_first_and_last_days_belong_to_the_period(hq, office_a):
    engagement = supported(office_a)
    for day in (date(2025, 12, 31), START, END, date(2026, 7, 1)):
        incident(engagement, day)

    assert period_report_data(user=hq, start=START, end=END).incidents.counted == 2


def test_it_sums_the_box_6_counts_per_office(hq, portfolio, office_a, office_b):
    data = period_report_data(user=hq, start=START, end=END)

    assert data.indicators.rows[0].key == office_a.code
    assert [data.indicators.get(office_a.code, key) for key, _ in data.indicators.columns] == [1, 1, 0, 1, 0]
    assert data.indicators.get(office_b.code, "grave_violations") == 0
    assert data.indicators.totals == [1, 1, 0, 1, 0]


def test_it_counts_the_decisions_and_letters_of_the_period(hq, portfolio, office_a):
    data = period_report_data(user=hq, start=START, end=END)

    assert data.decisions.get(office_a.code, "open_intercession") == 1
    assert data.decisions.column_totals["resume"] == 0  # recorded in December 2025
    assert data.letters.get(office_a.code, LetterKind.INTERCESSION) == 1
    assert data.letters.total == 1


# --- The PDF -------------------------------------------------------------------------------------------------------


def test_the_pdf_states_the_numbers_of_the_portfolio(hq, portfolio):
    data = period_report_data(user=hq, start=START, end=END)

    content = period_report_render_pdf(data=data)

    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Period 1 January 2026 – 30 June 2026" in text
    assert "Scope All offices" in text
    assert "Generated by Test Person" in text and "HQ Human Rights Team" in text
    assert "3 engagements with support during the period, in 2 offices; 2 projects" in text
    assert "1 engagement in assessment or awaiting a decision" in text
    assert "3 incidents in the period, of which 1 grave violation with substantial grounds (1 more found unfounded)" in text
    for heading in (
        "1. Nature and scope of the support", "2. Risk of grave violations",
        "3. Measures employed to ensure compliance with the due diligence policy",
        "4. Assessment of the impact of the support",
    ):
        assert heading in text
    for key in ("esse", "north_east", "meridia", "waiting"):
        assert portfolio[key].reference in text
    assert portfolio["ended"].reference not in text and portfolio["draft"].reference not in text
    assert "100,000.00 USD" in text and "Monthly patrol reports" in text and "North-East Border Command" in text


def test_an_office_users_report_holds_only_their_office(outsider, portfolio, office_b):
    # When the project manager of office B makes the report
    data = period_report_data(user=outsider, start=START, end=END)

    # Then it holds office B's engagement only, and no count from office A
    assert refs(data) == [portfolio["meridia"].reference]
    assert data.pipeline == [] and data.exclusions_in_force == [] and data.measures.total == 0
    assert data.incidents.counted == 1 and data.decisions.total == 0 and data.letters.total == 0
    assert data.scope == "Every office the author sees: Office B"
    text = pdf_text(period_report_render_pdf(data=data))
    assert portfolio["meridia"].reference in text
    for key in ("esse", "north_east", "ended", "waiting", "draft"):
        assert portfolio[key].reference not in text
    assert "Office A" not in text and "Esse Police" not in text


def test_an_engagement_shared_with_an_office_user_is_reported_under_its_own_office(outsider, portfolio, office_a):
    # Given office A's Esse engagement shared with office B's project manager
    assign_perm("hrddp.view_engagement", outsider, portfolio["esse"])

    data = period_report_data(user=outsider, start=START, end=END)

    # Then that one engagement of office A is in their report, and no other
    assert [(b.office.code, refs_of(b)) for b in data.support] == [
        ("aaa", [portfolio["esse"].reference]), ("bbb", [portfolio["meridia"].reference]),
    ]
    assert data.measures.total == 3 and data.decisions.total == 0


def test_an_office_the_user_does_not_see_is_refused(outsider, office_a, portfolio):
    with pytest.raises(PermissionDenied):
        period_report_data(user=outsider, start=START, end=END, office=office_a)


def test_one_office_or_one_country_narrows_the_report(hq, portfolio, office_a, office_b):
    only_a = period_report_data(user=hq, start=START, end=END, office=office_a)
    meridia = period_report_data(user=hq, start=START, end=END, country=office_b.country)

    assert [b.office for b in only_a.support] == [office_a] and only_a.scope == "Office A (Darvonia)"
    assert refs(meridia) == [portfolio["meridia"].reference] and meridia.scope == "Meridia: Office B"
    assert only_a.filename == "portfolio-report-2026-01-01-2026-06-30-aaa.pdf"


def test_an_office_without_support_is_named_as_such(hq, portfolio):
    idle = OfficeFactory(code="ccc", name="Office C", country="Esland")

    data = period_report_data(user=hq, start=START, end=END)

    assert data.offices_without_support == [idle]


def test_a_period_that_ends_before_it_starts_is_refused(hq):
    with pytest.raises(ValidationError):
        period_report_data(user=hq, start=END, end=START)


def test_no_confidential_detail_of_an_incident_appears(hq, portfolio):
    # Given an incident with its victims, witnesses and source recorded, and an exclusion's reason
    incident(
        portfolio["esse"], date(2026, 4, 1), grave=True, grounds=True, categories=[ViolationCategory.GROSS_VIOLATIONS],
        victims="Zebulon Quarrington", witnesses="Ottoline Brackenbury", source_details="Informant Vantablack",
        place="Marshgate crossroads",
    )
    Incident.objects.filter(victims="Zebulon Quarrington").update(description="Beaten at the Fennimore barracks.")

    data = period_report_data(user=hq, start=START, end=END)
    text = pdf_text(period_report_render_pdf(data=data))

    # Then it is counted, and nothing of what it says appears
    assert data.incidents.grave_with_grounds == 2
    for secret in ("Quarrington", "Brackenbury", "Vantablack", "Marshgate", "Fennimore", "Killings at the crossing"):
        assert secret not in text
        assert secret not in period_report_html(data=data)


# --- Cost ------------------------------------------------------------------------------------------------------------

# Memberships, the offices, each section's grouped query: the same whatever the number of engagements.
MAX_QUERIES = 16


def _portfolio_of(size, offices, by):
    for n in range(size):
        office = offices[n % len(offices)]
        engagement = supported(office, state=State.INTERCESSION if n % 3 == 0 else State.ACTIVE)
        activity(engagement, ActivityType.TRAINING, partner="Partner NGO")
        activity(engagement, ActivityType.MATERIAL)
        rated(engagement, final="medium", residual="low")
        add_measure(engagement, due_date=date(2026, 2, 1))
        incident(engagement, date(2026, 3, 1), grave=True, grounds=True, categories=[ViolationCategory.WAR_CRIMES])
        step(engagement, "open_intercession", date(2026, 3, 3), by=by, from_state="active", to_state="intercession")
        letter(engagement, LetterKind.INTERCESSION, date(2026, 3, 5), by=by)
        Exclusion.objects.create(engagement=engagement, unit=engagement.recipient, reason="Grave violations.",
                                 excluded_by=by, excluded_at=at(date(2026, 3, 6)))
        pending = EngagementFactory(office=office, state=State.APPROVAL)
        Engagement.objects.filter(pk=pending.pk).update(state_changed_at=at(date(2026, 2, 1)))


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("who", ["hq", "pm"])
def test_the_report_is_built_in_a_bounded_number_of_queries_whatever_the_portfolio_size(
    request, django_assert_max_num_queries, office_a, office_b, com, size, who
):
    # Given a portfolio of `size` engagements, each with activities, measures, incidents, decisions,
    # letters and exclusions
    _portfolio_of(size, [office_a, office_b], com)
    user = request.getfixturevalue(who)

    # When the report is built and rendered
    with django_assert_max_num_queries(MAX_QUERIES):
        data = period_report_data(user=user, start=START, end=END)
        period_report_render_pdf(data=data)

    # Then it covers them all, in as many queries for 30 engagements as for 3
    seen = size if who == "hq" else (size + 1) // 2
    assert data.engagement_count == seen and len(data.exclusions_in_force) == seen
    assert len(data.pipeline) == seen and data.incidents.counted == seen
