"""The demo scenario: Darvonia's Esse Province and its North-East border,
and a second office with an exempt MEDEVAC case (domain.md section 8).

Every engagement is carried to its state through the real transitions, on
dates spread over the past months, so its history reads as it would in use.
Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_second_factors
from assessments.models import (
    AssessmentElement,
    CitedSource,
    CoordinationRecord,
    PreconditionsCheck,
    RiskElement,
    RiskFactor,
)
from hrddp.models import (
    ActivityType,
    CommandPeriod,
    Delivery,
    Engagement,
    GovernmentFocalPoint,
    Membership,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    RecipientCategory,
    RecipientLevel,
    Role,
    SupportActivity,
    User,
)
from hrddp.services import engagement_open, engagement_transition
from interventions.cases import case_set_course
from interventions.letters import letter_draft, letter_issue, letter_record_dispatch
from mitigation.models import (
    InterventionProcedure,
    LetterKind,
    MeasureNature,
    MeasureType,
    MitigationMeasure,
    MitigationPlan,
)
from monitoring.determinations import grave_violation_determine
from monitoring.models import Channel, Incident, VerificationStatus
from register.models import (
    AccountabilityStep,
    AccountabilityStepKind,
    AllegationCategory,
    AllegationStatus,
    PersonAlias,
    ScreeningDecision,
)
from register.screening import name_screening_run, screening_line_resolve
from register.services import allegation_record, allegation_status_change

DEMO_PASSWORD = "darvonia-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str
    office: str


LOGINS = [
    DemoLogin("pm.darvonia", "Nadia Okafor", Role.PROJECT_MANAGER, "DRV"),
    DemoLogin("com.darvonia", "Jonas Weller", Role.CHIEF_OF_MISSION, "DRV"),
    DemoLogin("pm.meridia", "Tomás Arriaga", Role.PROJECT_MANAGER, "MER"),
    DemoLogin("com.meridia", "Leila Haddad", Role.CHIEF_OF_MISSION, "MER"),
    DemoLogin("hq", "Sofia Brandt", Role.HQ_HUMAN_RIGHTS, ""),
    DemoLogin("auditor", "Ravi Menon", Role.AUDITOR, ""),
]


def _travel(days_ago: int):
    return time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False)


class _Scenario:
    def __init__(self):
        self.today = timezone.localdate()
        self.offices = {}
        self.users = {}
        self.recipients = {}

    # --- people and places ---------------------------------------------------

    def offices_and_people(self):
        self.offices["DRV"], _ = Office.objects.update_or_create(
            code="drv",
            defaults=dict(
                name="Darvonia Country Office", entity="IOM", country="Darvonia", region="East",
                has_country_mechanism=True,
                mechanism_secretariat_contact="HRDDP Task Force secretariat, Office of the Resident Coordinator, Esse City",
                letterhead_address="UN Compound, 14 Harbour Road, Esse City, Darvonia",
            ),
        )
        self.offices["MER"], _ = Office.objects.update_or_create(
            code="mer",
            defaults=dict(
                name="Meridia Country Office", entity="IOM", country="Meridia", region="East",
                has_country_mechanism=False,
                letterhead_address="Plot 9, Avenue des Nations, Port Meridian, Meridia",
            ),
        )
        for login in LOGINS:
            first, last = login.name.split(" ", 1)
            user, created = User.objects.get_or_create(
                username=login.username,
                defaults=dict(first_name=first, last_name=last, email=f"{login.username}@example.org", is_staff=True),
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            office = self.offices.get(login.office)
            Membership.objects.get_or_create(user=user, role=login.role, office=office)
            self.users[login.username] = user
        # Every demo login is staff, so each must sign in with a second factor: on the embedded default
        # (DEBUG=1) they share the documented authenticator secret (accounts.demo).
        self.second_factors = demo_second_factors(self.users.values())

    def recipients_and_commanders(self):
        def recipient(key, name, country, category, level=RecipientLevel.FORCE, parent=None):
            obj, _ = Recipient.objects.get_or_create(
                country=country, parent=self.recipients.get(parent), name=name,
                defaults=dict(category=category, level=level),
            )
            self.recipients[key] = obj
            return obj

        recipient("police", "Darvonian Police Force", "Darvonia", RecipientCategory.POLICE)
        recipient("esse", "Esse Province Command", "Darvonia", RecipientCategory.POLICE, RecipientLevel.COMMAND, "police")
        recipient("esse_post", "Esse IDP Site Police Post", "Darvonia", RecipientCategory.POLICE, RecipientLevel.UNIT, "esse")
        recipient("ne_police", "North-East Police Command", "Darvonia", RecipientCategory.POLICE, RecipientLevel.COMMAND, "police")
        recipient("unit7", "Rapid Intervention Unit 7", "Darvonia", RecipientCategory.POLICE, RecipientLevel.UNIT, "ne_police")
        recipient("border", "Darvonian Border Guard", "Darvonia", RecipientCategory.BORDER_CUSTOMS)
        recipient("ne_border", "North-East Border Command", "Darvonia", RecipientCategory.BORDER_CUSTOMS, RecipientLevel.COMMAND, "border")
        recipient("kael", "Kael Crossing Post", "Darvonia", RecipientCategory.BORDER_CUSTOMS, RecipientLevel.UNIT, "ne_border")
        recipient("tarsa", "Tarsa Crossing Post", "Darvonia", RecipientCategory.BORDER_CUSTOMS, RecipientLevel.UNIT, "ne_border")
        recipient("prisons", "Darvonian Prison Service", "Darvonia", RecipientCategory.DETENTION)
        recipient("coast", "Meridian Coast Guard", "Meridia", RecipientCategory.COAST_GUARD)
        recipient("mer_police", "Meridian National Police", "Meridia", RecipientCategory.POLICE)

        def commander(name, rank, force, unit, position, start, end=None, allegations=""):
            person, _ = PersonOfInterest.objects.get_or_create(
                full_name=name, recipient=self.recipients[force],
                defaults=dict(rank=rank),
            )
            if allegations and not person.allegations.exists():
                self._allegation(
                    person, AllegationCategory.GROSS_VIOLATIONS, allegations, date(2024, 11, 2),
                    "National human-rights organisation, report on the North-East (2025)", ("C", "3"),
                    [(400, "com.darvonia", AllegationStatus.SUBSTANTIATED,
                      "The OHCHR office corroborated three of the killings the report names.")],
                )
            CommandPeriod.objects.get_or_create(
                person=person, unit=self.recipients[unit], start_date=start,
                defaults=dict(position=position, end_date=end),
            )
            return person

        self.valemo = commander("Idris Valemo", "Commander", "police", "esse", "Commander of Esse Province", date(2023, 1, 9))
        commander(
            "Oren Tasko", "Major", "police", "unit7", "Commander, Rapid Intervention Unit 7", date(2021, 6, 1), date(2025, 3, 31),
            allegations="Named in a 2025 report of a national human-rights organisation on extrajudicial killings near the border.",
        )
        commander("Lidia Fenn", "Major", "police", "unit7", "Commander, Rapid Intervention Unit 7", date(2025, 4, 1))
        self.oduya = commander("Petra Oduya", "Colonel", "border", "ne_border", "Commander, North-East Border Command", date(2024, 2, 1))
        self.focal_esse, _ = GovernmentFocalPoint.objects.get_or_create(
            office=self.offices["DRV"], full_name="Idris Valemo",
            defaults=dict(
                title="Commander of Esse Province", authority="Ministry of the Interior, Darvonian Police Force",
                email="esse.command@example.org", office_counterpart=self.users["pm.darvonia"],
            ),
        )
        self.focal_border, _ = GovernmentFocalPoint.objects.get_or_create(
            office=self.offices["DRV"], full_name="Amadou Rensi",
            defaults=dict(title="Director of Border Management", authority="Ministry of the Interior",
                          email="border.directorate@example.org", office_counterpart=self.users["pm.darvonia"]),
        )
        self.focal_meridia, _ = GovernmentFocalPoint.objects.get_or_create(
            office=self.offices["MER"], full_name="Hélène Marsac",
            defaults=dict(title="Chief of Staff, Coast Guard", authority="Ministry of Maritime Affairs",
                          email="coastguard@example.org", office_counterpart=self.users["pm.meridia"]),
        )
        self.identities()

    def identities(self):
        """What tells the persons of interest apart: other forms of their names, years of birth, service numbers."""
        people = {p.full_name: p for p in PersonOfInterest.objects.filter(recipient__country="Darvonia")}
        known = {
            "Idris Valemo": (1968, "DPF-0419", ["I. Valemo", "إدريس فاليمو"]),
            "Oren Tasko": (1979, "DPF-2210", ["Orin Tasko"]),
            "Lidia Fenn": (1983, "DPF-3307", []),
            "Petra Oduya": (1975, "DBG-0112", ["Petra Odouya"]),
        }
        for name, (year, number, aliases) in known.items():
            person = people.get(name)
            if person is None or person.service_number:
                continue
            PersonOfInterest.objects.filter(pk=person.pk).update(birth_year=year, service_number=number)
            PersonAlias.objects.bulk_create(
                [PersonAlias(person=person, name=alias, note="Arabic script" if not alias.isascii() else "")
                 for alias in aliases], ignore_conflicts=True,
            )

    def _allegation(self, person, category, summary, occurred_on, source, grade, history, days_ago=None):
        """An allegation as the register holds it: recorded by the project manager, then moved through its
        statuses (days ago, who, status, why), each change with its reason."""
        recorded = days_ago if days_ago is not None else (history[0][0] + 5 if history else 30)
        with _travel(recorded):
            allegation = allegation_record(
                by=self.users["pm.darvonia"], person=person, category=category, summary=summary,
                occurred_on=occurred_on,
                sources=[{"description": source, "source_reliability": grade[0], "information_credibility": grade[1]}],
            )
        for when, who, status, why in history:
            with _travel(when):
                allegation = allegation_status_change(by=self.users[who], allegation=allegation, to_status=status, reason=why)
        return allegation

    def projects(self):
        drv, mer = self.offices["DRV"], self.offices["MER"]

        def project(office, code, **fields):
            obj, _ = Project.objects.get_or_create(office=office, code=code, defaults=fields)
            return obj

        self.p_stab = project(
            drv, "DRV-CS-01", title="Community stabilisation in Esse Province", donor="Stabilisation Trust Fund",
            budget=1_850_000, start_date=self.today - timedelta(days=200), end_date=self.today + timedelta(days=530),
            locations="Esse Province; Esse IDP site",
        )
        self.p_border = project(
            drv, "DRV-IBM-02", title="Integrated border management, North-East border", donor="Border Governance Facility",
            budget=3_200_000, start_date=self.today - timedelta(days=60), end_date=self.today + timedelta(days=900),
            locations="Kael, Tarsa and Omri crossings",
        )
        self.p_detention = project(
            drv, "DRV-MP-03", title="Migrant protection in places of detention", donor="Protection Fund",
            budget=420_000, start_date=self.today - timedelta(days=90), end_date=self.today + timedelta(days=275),
            locations="Esse City",
        )
        self.p_sar = project(
            mer, "MER-SAR-01", title="Search and rescue at sea", donor="Maritime Safety Fund",
            budget=760_000, start_date=self.today - timedelta(days=120), end_date=self.today + timedelta(days=610),
            locations="Port Meridian; southern coast",
        )
        self.p_medevac = project(
            mer, "MER-HEALTH-02", title="Emergency health response", donor="Humanitarian Pooled Fund",
            budget=150_000, start_date=self.today - timedelta(days=30), end_date=self.today + timedelta(days=150),
            locations="Southern coast",
        )

    # --- engagements -----------------------------------------------------------

    def _open(self, days_ago, office, project, recipient, title, activities, focal=None, by="pm.darvonia"):
        existing = Engagement.objects.filter(office=self.offices[office], title=title).first()
        if existing is not None:
            return None
        with _travel(days_ago):
            return engagement_open(
                office=self.offices[office], project=project, recipient=self.recipients[recipient], title=title,
                by=self.users[by], activities=activities, focal_point=focal,
                justification="Request received through the national authority.",
            )

    def _step(self, engagement, days_ago, who, name, why):
        with _travel(days_ago):
            engagement_transition(engagement_id=engagement.pk, name=name, by=self.users[who], justification=why)
        engagement.refresh_from_db()

    def _preconditions(self, engagement, failing=None):
        evidence = {
            "national_ownership": "Request letter from the Ministry of the Interior; host government informed; focal points named.",
            "no_death_penalty": "No support to any unit or facility involved in executions.",
            "no_weapons": "No weapons, ammunition or weapon-related logistics in the activities.",
            "no_combat_capacity": "Community policing and border management only; no combat units.",
        }
        fields = {}
        for key, _ in PreconditionsCheck.CHECKS:
            fields[f"{key}_met"] = key != failing
            fields[f"{key}_evidence"] = evidence[key] if key != failing else failing_evidence(key)
        PreconditionsCheck.objects.update_or_create(engagement=engagement, defaults=fields)

    def _coordination(self, engagement, mechanism):
        CoordinationRecord.objects.update_or_create(
            engagement=engagement,
            defaults=dict(
                mechanism_exists=mechanism,
                gpraf_reference="GPRAF Darvonia 2025" if mechanism else "",
                gpraf_date=date(2025, 11, 3) if mechanism else None,
                core_mitigation_measures=(
                    "Human-rights clause in every agreement with security forces\n"
                    "Quarterly information sharing with the HRDDP Task Force"
                ) if mechanism else "",
                inform_of_decisions="HRDDP Task Force secretariat (Office of the Resident Coordinator)" if mechanism else "",
            ),
        )

    def _assessment(self, engagement, rating, factors, notes):
        assessment = engagement.current_assessment
        for value, _ in RiskElement.choices:
            AssessmentElement.objects.update_or_create(
                assessment=assessment, element=value, defaults=dict(narrative=notes.get(value, DEFAULT_FINDINGS[value])),
            )
        CitedSource.objects.get_or_create(
            assessment=assessment, citation="OHCHR, Darvonia country report (2025)",
            defaults=dict(is_un_source=True, reliability="A", element=RiskElement.COUNTRY_SITUATION),
        )
        CitedSource.objects.get_or_create(
            assessment=assessment, citation="National human-rights organisation report on the North-East (2025)",
            defaults=dict(is_un_source=False, reliability="B", element=RiskElement.COMPLIANCE_RECORD),
        )
        for description, element in factors:
            RiskFactor.objects.get_or_create(assessment=assessment, description=description, defaults=dict(element=element))
        assessment.final_rating = rating
        assessment.final_justification = notes.get("final", "Based on the elements above.")
        assessment.save()
        return assessment

    def _plan(self, engagement, residual, measures):
        plan, _ = MitigationPlan.objects.get_or_create(engagement=engagement)
        factors = {f.description: f for f in engagement.current_assessment.risk_factors.all()}
        for title, measure_type, nature, targets, due in measures:
            measure, _ = MitigationMeasure.objects.get_or_create(
                plan=plan, title=title,
                defaults=dict(measure_type=measure_type, nature=nature, owner="Project manager",
                              due_date=self.today + timedelta(days=due), budget_line="HRDD-01"),
            )
            measure.risk_factors.set([factors[t] for t in targets])
        plan.residual_risk = residual
        plan.residual_risk_justification = "The measures address every identified risk factor."
        plan.waive_visibility = residual != "low"
        plan.visibility_decision = "Logos waived on equipment, agreed in writing with the donor." if plan.waive_visibility else ""
        plan.save()

    def _procedure_and_letter(self, engagement, focal, days_ago):
        InterventionProcedure.objects.update_or_create(
            engagement=engagement,
            defaults=dict(
                monitoring_responsible=self.users["pm.darvonia"], recipient_focal_point=focal,
                reporting_to_com="Same-day e-mail and call to the Chief of Mission; written report within 48 hours.",
            ),
        )
        com = self.users["com.darvonia"]
        with _travel(days_ago):
            letter = letter_draft(
                engagement=engagement, kind=LetterKind.NOTIFICATION, language="en",
                addressee=f"{focal.full_name}\n{focal.title}\n{focal.authority}", signatory=com,
                subject="", body="", by=self.users["pm.darvonia"],
            )
            letter_issue(letter=letter, by=com)
            letter_record_dispatch(letter=letter, dispatched_on=timezone.localdate(), channel="Hand delivery", by=com)

    def esse_police(self):
        """The toolkit's Box 7 case: support to the police in Esse Province, now active."""
        e = self._open(
            200, "DRV", self.p_stab, "esse", "Police post near the Esse IDP site",
            [
                dict(description="Construction of a police post near the IDP site", activity_type=ActivityType.INFRASTRUCTURE),
                dict(description="Two motorbikes for community patrols", activity_type=ActivityType.MATERIAL),
                dict(description="Community-policing training", activity_type=ActivityType.TRAINING,
                     delivery=Delivery.INDIRECT, implementing_partner="Esse Peace Network"),
            ],
            focal=self.focal_esse,
        )
        if e is None:
            return
        self._step(e, 198, "pm.darvonia", "start_screening", "Security force and non-exempt support: screening starts.")
        self._step(e, 197, "pm.darvonia", "conclude_applicable", "Police force receiving infrastructure, equipment and training: HRDDP applies.")
        self._preconditions(e)
        self._step(e, 190, "pm.darvonia", "pass_preconditions", "All four preconditions met; evidence on file.")
        self._coordination(e, mechanism=True)
        self._step(e, 185, "pm.darvonia", "complete_coordination", "GPRAF 2025 reviewed with the HRDDP Task Force.")
        self._assessment(
            e, "medium",
            [("Excessive use of force during crowd control at the IDP site (2024 reports)", RiskElement.COMPLIANCE_RECORD),
             ("Weak internal accountability in Esse Province Command", RiskElement.ACCOUNTABILITY_RECORD)],
            {"final": "Medium/high: reports of excessive force, some corrective steps; risk manageable with mitigation."},
        )
        self._step(e, 170, "pm.darvonia", "submit_assessment", "Assessment complete with sources; rated medium.")
        self._step(e, 165, "com.darvonia", "endorse", "Endorsed: medium risk, manageable with the measures proposed.")
        self._plan(e, "medium", [
            ("Use-of-force guidelines and training for the post's officers", MeasureType.SOP, MeasureNature.PREVENTIVE,
             ["Excessive use of force during crowd control at the IDP site (2024 reports)"], 60),
            ("Community grievance mechanism at the IDP site", MeasureType.MONITORING, MeasureNature.PREVENTIVE,
             ["Excessive use of force during crowd control at the IDP site (2024 reports)",
              "Weak internal accountability in Esse Province Command"], 45),
            ("Support to the provincial inspectorate's complaint handling", MeasureType.ACCOUNTABILITY, MeasureNature.PREVENTIVE,
             ["Weak internal accountability in Esse Province Command"], 120),
        ])
        self._step(e, 150, "pm.darvonia", "submit_plan", "Plan covers both risk factors; GPRAF core measures included.")
        self._procedure_and_letter(e, self.focal_esse, 145)
        self._step(e, 140, "com.darvonia", "approve_support", "Residual risk medium; notification letter delivered; procedure agreed.")
        self._monitoring(e)

    def _monitoring(self, engagement):
        """A quarter of due-diligence monitoring: two reports from the community and the PM's figures."""
        from monitoring.incident_services import incident_log
        from monitoring.indicators import indicator_measurement_enter
        from monitoring.quarters import quarter_of

        last_quarter = quarter_of(self.today).previous()
        pm = self.users["pm.darvonia"]
        for days_after, channel, categories, text in [
            (20, Channel.COMMUNITY_REPORT, [], "Women at the IDP site reported verbal harassment by a patrol at night."),
            (55, Channel.GRIEVANCE_MECHANISM, ["gross_violations"],
             "Complaint through the site's grievance box: a trader detained for a day without charge."),
        ]:
            with _travel((self.today - last_quarter.start).days - days_after):
                incident_log(
                    engagement=engagement, by=pm, persons=[],
                    data=dict(
                        recipient=self.recipients["esse_post"], occurred_on=last_quarter.start + timedelta(days=days_after),
                        place="Esse IDP site", description=text, categories=categories, channel=channel,
                        source_reliability="B", information_credibility="3", verification_status="being_verified",
                        grave_violation=False,
                        victims="Names held by the protection team.", witnesses="", source_details="Community focal point",
                    ),
                )
        with _travel((self.today - last_quarter.end).days - 10):
            indicator_measurement_enter(
                engagement=engagement, quarter=last_quarter, by=pm,
                figures=dict(
                    trained_can_describe_pct=72, beneficiaries_know_grievance_pct=58, units_adopted_regulations=1,
                    self_reports_of_misconduct=0, investigations_increase_pct=10,
                ),
                notes="Use-of-force training completed for 18 of 25 officers.",
            )

    def border_case(self):
        """The toolkit's North-East border case (T/Box 2), awaiting the Chief of Mission's endorsement."""
        e = self._open(
            60, "DRV", self.p_border, "ne_border", "Border management at the North-East crossings",
            [
                dict(description="Operational training for border officials at three crossings", activity_type=ActivityType.TRAINING),
                dict(description="Rehabilitation of the Kael and Tarsa crossing posts", activity_type=ActivityType.INFRASTRUCTURE),
                dict(description="Regional border-coordination platform", activity_type=ActivityType.AUTHORITY_SUPPORT),
                dict(description="Human-rights law sessions for border officials", activity_type=ActivityType.LAW_TRAINING),
            ],
            focal=self.focal_border,
        )
        if e is None:
            return
        self._step(e, 58, "pm.darvonia", "start_screening", "Mixed exempt and non-exempt activities with the border guard.")
        self._step(e, 57, "pm.darvonia", "conclude_applicable", "Non-exempt support to a border force: HRDDP applies.")
        self._preconditions(e)
        self._step(e, 50, "pm.darvonia", "pass_preconditions", "Preconditions met; request came through the Ministry of the Interior.")
        self._coordination(e, mechanism=True)
        self._step(e, 45, "pm.darvonia", "complete_coordination", "Checked with the HRDDP Task Force.")
        self._assessment(
            e, "high",
            [("Reports of extrajudicial killings by Rapid Intervention Unit 7", RiskElement.COMPLIANCE_RECORD),
             ("Law allowing indefinite apprehension at the Kael crossing, targeting a minority community", RiskElement.LEGISLATIVE_FRAMEWORK)],
            {"final": "High: credible reports of extrajudicial killings and a discriminatory detention law at one crossing."},
        )
        self._step(e, 20, "pm.darvonia", "submit_assessment", "Submitted; recommends excluding Unit 7 and the Kael crossing from support.")

    def detention_case(self):
        """Rehabilitation of a detention centre where executions take place: ineligible."""
        e = self._open(
            90, "DRV", self.p_detention, "prisons", "Rehabilitation of Esse Central Detention Centre",
            [dict(description="Rehabilitation of cells and sanitation", activity_type=ActivityType.INFRASTRUCTURE)],
        )
        if e is None:
            return
        self._step(e, 88, "pm.darvonia", "start_screening", "Detention authority; infrastructure support.")
        self._step(e, 87, "pm.darvonia", "conclude_applicable", "HRDDP applies.")
        self._preconditions(e, failing="no_death_penalty")
        self._step(e, 80, "com.darvonia", "fail_preconditions", "Executions are carried out at this centre: the office will not engage.")

    def esse_vehicles_case(self):
        """Vehicles for the Esse Province Command, awaiting approval: its deputy commander faces a substantiated
        allegation, so the Chief of Mission cannot approve until the plan keeps him out of the support (P¶16)."""
        e = self._open(
            75, "DRV", self.p_stab, "esse", "Patrol vehicles for the Esse Province Command",
            [dict(description="Four patrol vehicles for community policing around the IDP site", activity_type=ActivityType.MATERIAL)],
            focal=self.focal_esse,
        )
        if e is None:
            return
        self._step(e, 74, "pm.darvonia", "start_screening", "Vehicles for a police command.")
        self._step(e, 73, "pm.darvonia", "conclude_applicable", "Material support to a police command: HRDDP applies.")
        self._preconditions(e)
        self._step(e, 70, "pm.darvonia", "pass_preconditions", "Preconditions met.")
        self._coordination(e, mechanism=True)
        self._step(e, 68, "pm.darvonia", "complete_coordination", "Checked with the HRDDP Task Force.")
        self._assessment(
            e, "medium",
            [("Vehicles could be used in crowd control at the IDP site", RiskElement.ACTIVITY_RISKS)],
            {"final": "Medium: the vehicles' use can be monitored through the patrol logbooks."},
        )
        self._step(e, 60, "pm.darvonia", "submit_assessment", "Rated medium.")
        self._step(e, 55, "com.darvonia", "endorse", "Endorsed.")
        self._plan(e, "medium", [
            ("Patrol logbooks shared monthly with the office", MeasureType.MONITORING, MeasureNature.PREVENTIVE,
             ["Vehicles could be used in crowd control at the IDP site"], 30),
        ])
        self._step(e, 45, "pm.darvonia", "submit_plan", "Plan submitted for approval.")
        self._procedure_and_letter(e, self.focal_esse, 40)
        # Then the register learnt what his deputy had done: the approval now waits.
        dalgo, _ = PersonOfInterest.objects.get_or_create(
            full_name="Marek Dalgo", recipient=self.recipients["police"],
            defaults=dict(rank="Colonel", birth_year=1971, service_number="DPF-0877"),
        )
        PersonAlias.objects.get_or_create(person=dalgo, name="Marec Dalgeau", defaults=dict(note="French spelling"))
        CommandPeriod.objects.get_or_create(
            person=dalgo, unit=self.recipients["esse"], start_date=date(2025, 7, 1),
            defaults=dict(position="Deputy Commander of Esse Province"),
        )
        allegation = self._allegation(
            dalgo, AllegationCategory.COMMAND_RESPONSIBILITY,
            "As commander of the Esse City central station, failed to punish officers who beat detainees in custody.",
            date(2025, 3, 14), "OHCHR Darvonia, detention monitoring report (2026)", ("A", "2"),
            [(35, "pm.darvonia", AllegationStatus.UNDER_REVIEW, "Taken up with the OHCHR office."),
             (20, "com.darvonia", AllegationStatus.SUBSTANTIATED,
              "OHCHR confirmed the beatings and that no officer was disciplined under his command.")],
            days_ago=38,
        )
        with _travel(30):
            AccountabilityStep.objects.get_or_create(
                allegation=allegation, kind=AccountabilityStepKind.INVESTIGATION_OPENED,
                defaults=dict(
                    taken_on=date(2025, 5, 2), source="Police inspectorate, letter to the office (2025)",
                    description="The inspectorate opened an inquiry; no finding since.",
                    recorded_by=self.users["pm.darvonia"],
                ),
            )

    def trainee_screening(self):
        """The community-policing trainees of the Esse police engagement, screened against the register: the
        deputy commander found, a namesake of a commander with a substantiated allegation cleared by the project
        manager, and one possible match left for the reader to resolve."""
        training = SupportActivity.objects.filter(
            engagement__title="Police post near the Esse IDP site", description="Community-policing training"
        ).first()
        if training is None or training.name_screenings.exists():
            return
        names = "\n".join([
            "Name;Year of birth;Unit;Rank",
            "Marek Dalgo;1971;Esse Province Command;Colonel",
            "VALEMO, Idriss;1968;Esse Province Command;Commander",
            "TASKO, Oren;1994;Esse IDP Site Police Post;Constable",
            "Amina Sadeq;1996;Esse IDP Site Police Post;Constable",
            "Joseph Kabre;1990;Esse IDP Site Police Post;Sergeant",
            "Halima Ouedraogo;1998;Esse IDP Site Police Post;Constable",
        ])
        with _travel(15):
            screening = name_screening_run(
                by=self.users["pm.darvonia"], activity=training, title="Trainees, community-policing course", text=names,
            )
        namesake = screening.lines.filter(name="TASKO, Oren").first()
        if namesake is not None and namesake.result != "clear":
            with _travel(14):
                screening_line_resolve(
                    by=self.users["pm.darvonia"], line=namesake, decision=ScreeningDecision.NOT_SAME_PERSON,
                    reason="Born in 1994 and a constable since 2019; Major Oren Tasko was born in 1979 (service number DPF-2210).",
                )

    def rapid_unit_case(self):
        """Equipment support to the police in the North-East, now in intercession after a grave violation."""
        e = self._open(
            170, "DRV", self.p_stab, "ne_police", "Radio equipment for the North-East Police Command",
            [dict(description="Handheld radios and a repeater", activity_type=ActivityType.MATERIAL)],
            focal=self.focal_esse,
        )
        if e is None:
            return
        self._step(e, 168, "pm.darvonia", "start_screening", "Equipment for a police command.")
        self._step(e, 167, "pm.darvonia", "conclude_applicable", "HRDDP applies.")
        self._preconditions(e)
        self._step(e, 160, "pm.darvonia", "pass_preconditions", "Preconditions met.")
        self._coordination(e, mechanism=True)
        self._step(e, 158, "pm.darvonia", "complete_coordination", "GPRAF reviewed.")
        self._assessment(e, "medium", [("Past reports against Rapid Intervention Unit 7", RiskElement.COMPLIANCE_RECORD)], {})
        self._step(e, 150, "pm.darvonia", "submit_assessment", "Rated medium.")
        self._step(e, 146, "com.darvonia", "endorse", "Endorsed.")
        self._plan(e, "medium", [
            ("Exclude Rapid Intervention Unit 7 from radio distribution", MeasureType.SCREENING_EXCLUSION,
             MeasureNature.PREVENTIVE, ["Past reports against Rapid Intervention Unit 7"], 30),
        ])
        self._step(e, 140, "pm.darvonia", "submit_plan", "Plan submitted.")
        self._procedure_and_letter(e, self.focal_esse, 136)
        self._step(e, 132, "com.darvonia", "approve_support", "Approved with Unit 7 excluded.")
        with _travel(12):
            incident, _ = Incident.objects.get_or_create(
                engagement=e, recipient=self.recipients["unit7"], occurred_on=self.today - timedelta(days=16),
                defaults=dict(
                    place="Road between Kael and Omri",
                    description="Two traders reported killed at an informal checkpoint run by officers of Unit 7.",
                    categories=["gross_violations", "pattern"], channel=Channel.UN_MONITORING, verification_status=VerificationStatus.CORROBORATED,
                    grave_violation=True, logged_by=self.users["pm.darvonia"],
                ),
            )
        with _travel(11):
            # The Chief of Mission determines the grave violation on the corroborated information (P¶26).
            if not incident.determinations.filter(withdrawn_at__isnull=True).exists():
                incident.engagement = e
                grave_violation_determine(
                    by=self.users["com.darvonia"], incident=incident,
                    reasons="OHCHR corroborated two killings at a Unit 7 checkpoint; the information is verified.",
                )
        self._step(e, 10, "pm.darvonia", "open_intercession",
                   "OHCHR corroborated two killings at a Unit 7 checkpoint; the radios were seen in use there.")
        # The course of action agreed with the Chief of Mission, and the intercession letter that brings the
        # grounds to the authorities (P¶26): what happens next depends on whether the violations continue.
        com, pm = self.users["com.darvonia"], self.users["pm.darvonia"]
        with _travel(9):
            case_set_course(
                case=e.open_intervention_case, by=com, strengthen_mitigation=False, report_to_oversight=False,
                communicate_with_focal_point=True, exclude_individuals_or_units=True,
                course_notes="Raise the killings with the North-East Police Commander; exclude Unit 7's checkpoint officers.",
                corrective_measures=[],
            )
        self._step(e, 9, "com.darvonia", "record_course_of_action", "Agreed at the weekly meeting with the PM.")
        with _travel(8):
            focal = self.focal_esse
            letter = letter_draft(
                engagement=e, kind=LetterKind.INTERCESSION, language="en",
                addressee=f"{focal.full_name}\n{focal.title}\n{focal.authority}", signatory=com, subject="",
                body=(
                    f"On {incident.occurred_on.day} {incident.occurred_on:%B %Y}, two traders were killed at an "
                    "informal checkpoint on the road between Kael and Omri run by officers of Rapid Intervention Unit 7; OHCHR corroborated the killings. We ask that "
                    "the officers be suspended pending an independent investigation, and that we be informed of "
                    "its progress."
                ),
                by=pm,
            )
            letter_issue(letter=letter, by=com)
            letter_record_dispatch(letter=letter, dispatched_on=timezone.localdate(), channel="Hand delivery", by=com)

    def meridia(self):
        e = self._open(
            25, "MER", self.p_medevac, "coast", "MEDEVAC from the southern coast",
            [dict(description="Medical evacuation of injured coast guards and migrants", activity_type=ActivityType.MEDEVAC)],
            focal=self.focal_meridia, by="pm.meridia",
        )
        if e is not None:
            self._step(e, 24, "pm.meridia", "start_screening", "MEDEVAC only.")
            self._step(e, 23, "pm.meridia", "conclude_not_applicable", "Every activity is MEDEVAC, exempt under P¶9(e).")
        e = self._open(
            100, "MER", self.p_sar, "coast", "Search-and-rescue training and boats for the coast guard",
            [dict(description="Search-and-rescue training", activity_type=ActivityType.TRAINING),
             dict(description="Two rigid inflatable boats", activity_type=ActivityType.MATERIAL)],
            focal=self.focal_meridia, by="pm.meridia",
        )
        if e is not None:
            self._step(e, 98, "pm.meridia", "start_screening", "Coast guard, equipment and training.")
            self._step(e, 97, "pm.meridia", "conclude_applicable", "HRDDP applies.")
            self._preconditions(e)
            self._step(e, 90, "pm.meridia", "pass_preconditions", "Preconditions met.")
            self._coordination(e, mechanism=False)
            self._step(e, 88, "pm.meridia", "complete_coordination", "No UN HRDDP country mechanism in Meridia.")
            self._assessment(e, "medium", [("Reported pushbacks of migrant boats (refoulement risk)", RiskElement.COMPLIANCE_RECORD)], {})
            self._step(e, 70, "pm.meridia", "submit_assessment", "Rated medium.")
            self._step(e, 66, "com.meridia", "endorse", "Endorsed; the plan must address pushbacks.")
        e = self._open(
            5, "MER", self.p_sar, "mer_police", "Community policing in Port Meridian",
            [dict(description="Community-policing training", activity_type=ActivityType.TRAINING)], by="pm.meridia",
        )
        if e is not None:
            self._step(e, 4, "pm.meridia", "start_screening", "New request from the national police.")


# Findings the demo's assessments share; each case adds its own.
DEFAULT_FINDINGS = {
    RiskElement.COUNTRY_SITUATION: "Fragile rule of law in the provinces; OHCHR reports arbitrary detention and "
    "restrictions on assembly, with improvements since the 2024 peace agreement.",
    RiskElement.COMPLIANCE_RECORD: "Credible reports of excessive force in the North-East; no pattern reported in "
    "Esse Province since 2024.",
    RiskElement.ACCOUNTABILITY_RECORD: "Few disciplinary proceedings; the police inspectorate opened two "
    "investigations in 2025, neither concluded.",
    RiskElement.CORRECTIVE_MEASURES: "A code of conduct adopted in 2025; a complaints desk in each province, not yet "
    "staffed in the North-East.",
    RiskElement.LEGISLATIVE_FRAMEWORK: "Police Act 2019 in line with the Basic Principles on the Use of Force; a 2026 "
    "border decree allows indefinite apprehension at one crossing.",
    RiskElement.DEATH_PENALTY: "Retained in law; executions carried out at the Esse Central Detention Centre only. "
    "No activity touches it.",
    RiskElement.PAST_PARTNERSHIPS: "Community-policing project 2022–2024 with another UN entity: good cooperation, "
    "one suspension after an incident, resumed after corrective action.",
    RiskElement.ACTIVITY_RISKS: "Equipment could be diverted to units outside the project; reputational risk if "
    "branded equipment is seen at abuses.",
    RiskElement.UN_INFLUENCE: "Support gives a seat in the provincial security committee, where the office "
    "raises protection concerns.",
    RiskElement.MONITORING_FEASIBILITY: "Field staff present weekly; protection monitoring by partners covers the sites.",
    RiskElement.NON_PROVISION: "Without support, displaced women have no police presence within 45 km; the "
    "community asked for the post.",
    RiskElement.UNDER_REPRESENTED: "Women and girls at the IDP site and the minority community crossing for trade "
    "face specific risks of harassment and discrimination.",
}


def failing_evidence(key: str) -> str:
    return {
        "no_death_penalty": "The centre holds death-row prisoners and executions were carried out there in 2025.",
    }.get(key, "Not met.")


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    scenario = _Scenario()
    scenario.offices_and_people()
    scenario.recipients_and_commanders()
    scenario.projects()
    scenario.esse_police()
    scenario.border_case()
    scenario.detention_case()
    scenario.esse_vehicles_case()
    scenario.rapid_unit_case()
    scenario.trainee_screening()
    scenario.meridia()
    # Today's reminders (e.g. the border case waiting for the Chief of Mission), as the daily job would.
    from monitoring.jobs import job_daily_reminders

    job_daily_reminders(today=timezone.localdate())
    # The last quarter's indicator reports, as the quarterly job would have made them.
    from monitoring.jobs import job_quarterly_reports

    job_quarterly_reports(today=timezone.localdate())
    return LOGINS
