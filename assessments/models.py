"""Actions 1–4: screening, preconditions, coordination and the risk assessment."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Screening(models.Model):
    """Action 1: does the policy apply? (P¶6–11, T/Action 1 and its decision tree)."""

    engagement = models.OneToOneField("hrddp.Engagement", on_delete=models.CASCADE, related_name="screening")
    engages_security_force = models.BooleanField(
        "Does it engage a non-UN security force?", null=True, blank=True
    )
    provides_support = models.BooleanField("Does it provide support as the policy defines it?", null=True, blank=True)
    entirely_exempt = models.BooleanField("Is all of the support exempt?", null=True, blank=True)
    # Why the project manager corrected a pre-filled answer, if they did.
    engages_security_force_note = models.TextField(blank=True)
    provides_support_note = models.TextField(blank=True)
    entirely_exempt_note = models.TextField(blank=True)
    prudential_assessment = models.BooleanField(
        "Assess anyway (prudential assessment)", default=False,
        help_text="The toolkit advises assessing exempt support where reputational risks are high.",
    )
    rationale = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["engagement"]

    def __str__(self):
        return f"Screening of {self.engagement}"

    @property
    def is_answered(self) -> bool:
        return None not in (self.engages_security_force, self.provides_support, self.entirely_exempt)

    @property
    def concludes_applicable(self) -> bool:
        return bool(self.engages_security_force and self.provides_support and not self.entirely_exempt)


class PreconditionsCheck(models.Model):
    """Action 2: the four preconditions (T/Action 2, T/Box 1)."""

    CHECKS = [
        ("national_ownership", "national ownership (requested through the national authority, focal points named)"),
        ("no_death_penalty", "no support to the enforcement of the death penalty"),
        ("no_weapons", "no weapons, ammunition or weapon-related logistics"),
        ("no_combat_capacity", "no direct enhancement of immediate combat capacity"),
    ]

    engagement = models.OneToOneField("hrddp.Engagement", on_delete=models.CASCADE, related_name="preconditions")
    national_ownership_met = models.BooleanField(null=True, blank=True)
    national_ownership_evidence = models.TextField(blank=True)
    no_death_penalty_met = models.BooleanField(null=True, blank=True)
    no_death_penalty_evidence = models.TextField(blank=True)
    no_weapons_met = models.BooleanField(null=True, blank=True)
    no_weapons_evidence = models.TextField(blank=True)
    no_combat_capacity_met = models.BooleanField(null=True, blank=True)
    no_combat_capacity_evidence = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["engagement"]

    def __str__(self):
        return f"Preconditions of {self.engagement}"

    def result(self, key: str) -> tuple[bool | None, str]:
        return getattr(self, f"{key}_met"), getattr(self, f"{key}_evidence")


class CoordinationRecord(models.Model):
    """Action 3: the UN HRDDP country mechanism, its GPRAF and whom to inform."""

    engagement = models.OneToOneField("hrddp.Engagement", on_delete=models.CASCADE, related_name="coordination")
    mechanism_exists = models.BooleanField("A UN HRDDP country mechanism exists", null=True, blank=True)
    gpraf_reference = models.CharField("GPRAF reference", max_length=200, blank=True)
    gpraf_date = models.DateField("GPRAF date", null=True, blank=True)
    core_mitigation_measures = models.TextField(
        blank=True, help_text="The GPRAF's core mitigation measures, one per line; they are carried into the plan."
    )
    inform_of_decisions = models.TextField(
        blank=True, help_text="Who in the mechanism is informed of continuation, mitigation or cessation decisions."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["engagement"]

    def __str__(self):
        return f"Coordination of {self.engagement}"

    def core_measure_lines(self) -> list[str]:
        return [line.strip() for line in self.core_mitigation_measures.splitlines() if line.strip()]


class RiskElement(models.TextChoices):
    # P¶14 and T/Action 4; the 13th element is the final rating itself.
    COUNTRY_SITUATION = "country_situation", "General human-rights and rule-of-law situation in the country"
    COMPLIANCE_RECORD = "compliance_record", "Recipient's record of compliance with IHL, human-rights and refugee law"
    ACCOUNTABILITY_RECORD = "accountability_record", "Record in holding perpetrators accountable"
    CORRECTIVE_MEASURES = "corrective_measures", "Corrective measures, institutions and protocols, and their adequacy"
    LEGISLATIVE_FRAMEWORK = "legislative_framework", "Legislative framework and applicable international standards"
    DEATH_PENALTY = "death_penalty", "Use of the death penalty and whether the support could contribute to it"
    PAST_PARTNERSHIPS = "past_partnerships", "Past projects and partnerships with the recipient and their results"
    ACTIVITY_RISKS = "activity_risks", "Risks inherent to the activities, including operational and reputational risks"
    UN_INFLUENCE = "un_influence", "How providing or withholding support affects the UN's influence (P¶14(d))"
    MONITORING_FEASIBILITY = "monitoring_feasibility", "Feasibility of effective monitoring of use and impact (P¶14(e))"
    NON_PROVISION = "non_provision", "Risks and adverse outcomes of not providing support"
    UNDER_REPRESENTED = "under_represented", "Specific risks for under-represented groups"


class RiskRating(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for endorsement"
    ENDORSED = "endorsed", "Endorsed"
    DECLINED = "declined", "Declined"


class RiskAssessment(models.Model):
    """Action 4: one version of the engagement's risk assessment."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.CASCADE, related_name="assessments")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    final_rating = models.CharField(max_length=8, choices=RiskRating.choices, blank=True)
    final_justification = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_comments = models.TextField(blank=True)

    class Meta:
        ordering = ["engagement", "-version"]
        constraints = [models.UniqueConstraint(fields=["engagement", "version"], name="assessment_version_unique")]

    def __str__(self):
        return f"Risk assessment v{self.version} of {self.engagement}"

    def missing_for_submission(self) -> list[str]:
        # An element is answered by a narrative or a rating (Action 4).
        answered = {e.element for e in self.elements.all() if e.narrative.strip() or e.rating}
        reasons = []
        unanswered = [label for value, label in RiskElement.choices if value not in answered and value != RiskElement.NON_PROVISION]
        if unanswered:
            reasons.append(
                f"The risk assessment leaves {len(unanswered)} element(s) unanswered: " + "; ".join(unanswered) + "."
            )
        if RiskElement.NON_PROVISION not in answered:
            reasons.append("The risks of not providing support have not been considered.")
        if not self.final_rating:
            reasons.append("The risk assessment has no final rating yet.")
        elif not self.final_justification.strip():
            reasons.append("The final rating has no justification.")
        if not self.sources.exists():
            reasons.append("The risk assessment cites no source.")
        return reasons

    # The marks below write the version's status. They are the body of the engagement's steps (submit_assessment,
    # return_assessment, endorse, endorse_plan_stands, decline in hrddp.models.engagements), so they run only
    # inside hrddp.services.engagement_transition: the role checked, the engagement locked, the step audited,
    # all in one transaction. Nothing else calls them (a page takes the step, never the mark).

    def _decide(self, status, by, comments=""):
        self.status = status
        self.decided_by = by
        self.decided_at = timezone.now()
        if comments:
            self.review_comments = comments
        self.save()

    def mark_submitted(self, *, by):
        self.status = AssessmentStatus.SUBMITTED
        self.submitted_at = timezone.now()
        self.save(update_fields=["status", "submitted_at"])

    def mark_returned(self, *, by, comments):
        self._decide(AssessmentStatus.DRAFT, by, comments)

    def mark_endorsed(self, *, by, comments=""):
        self._decide(AssessmentStatus.ENDORSED, by, comments)

    def mark_declined(self, *, by, comments=""):
        self._decide(AssessmentStatus.DECLINED, by, comments)


class AssessmentElement(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="elements")
    element = models.CharField(max_length=32, choices=RiskElement.choices)
    narrative = models.TextField(blank=True)
    rating = models.CharField(max_length=8, choices=RiskRating.choices, blank=True)

    class Meta:
        ordering = ["assessment", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "element"], name="assessment_element_unique")]

    def __str__(self):
        return self.get_element_display()


class SourceReliability(models.TextChoices):
    # The usual source-reliability scale of information grading.
    A = "A", "A — completely reliable"
    B = "B", "B — usually reliable"
    C = "C", "C — fairly reliable"
    D = "D", "D — not usually reliable"
    E = "E", "E — unreliable"
    F = "F", "F — reliability cannot be judged"


class CitedSource(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="sources")
    element = models.CharField(max_length=32, choices=RiskElement.choices, blank=True)
    citation = models.CharField(max_length=500)
    is_un_source = models.BooleanField("UN source", default=False)
    reliability = models.CharField(max_length=1, choices=SourceReliability.choices)

    class Meta:
        ordering = ["assessment", "pk"]

    def __str__(self):
        return self.citation


class RiskFactor(models.Model):
    """An identified risk factor, so that mitigation measures can target it."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="risk_factors")
    description = models.CharField(max_length=500)
    element = models.CharField(max_length=32, choices=RiskElement.choices, blank=True)

    class Meta:
        ordering = ["assessment", "pk"]

    def __str__(self):
        return self.description
