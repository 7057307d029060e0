"""Action 6: incidents and quarterly indicators (T/Action 6, T/Box 6)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.models import SourceReliability  # the same grading of sources as in assessments


class Channel(models.TextChoices):
    PUBLIC_SOURCE = "public_source", "Public source"
    INTERNAL_PROTECTION = "internal_protection", "Internal human-rights or protection report"
    GRIEVANCE_MECHANISM = "grievance_mechanism", "Grievance mechanism"
    COMMUNITY_REPORT = "community_report", "Beneficiary or community report"
    UN_MONITORING = "un_monitoring", "UN monitoring (OHCHR, UNICEF, SRSG offices)"
    SELF_REPORT = "self_report", "The recipient's own self-report"


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    BEING_VERIFIED = "being_verified", "Being verified"
    CORROBORATED = "corroborated", "Corroborated"
    UNFOUNDED = "unfounded", "Unfounded"


class ViolationCategory(models.TextChoices):
    # P¶12 and T/Action 1 (grave violations).
    WAR_CRIMES = "war_crimes", "War crimes"
    CRIMES_AGAINST_HUMANITY = "crimes_against_humanity", "Crimes against humanity"
    GROSS_VIOLATIONS = "gross_violations", "Gross violations of human rights"
    REFOULEMENT = "refoulement", "Refoulement"
    PATTERN = "pattern", "Pattern of repeated violations"
    FAILURE_TO_INVESTIGATE = "failure_to_investigate", "Authority's failure to investigate or prosecute"
    COMMAND_RESPONSIBILITY = "command_responsibility", "Command responsibility"


class InformationCredibility(models.TextChoices):
    CONFIRMED = "1", "1 — confirmed by other sources"
    PROBABLY_TRUE = "2", "2 — probably true"
    POSSIBLY_TRUE = "3", "3 — possibly true"
    DOUBTFUL = "4", "4 — doubtful"
    IMPROBABLE = "5", "5 — improbable"
    CANNOT_JUDGE = "6", "6 — truth cannot be judged"


# Fields shown only to those granted the engagement's confidential access.
CONFIDENTIAL_FIELDS = ("victims", "witnesses", "source_details")


class Incident(models.Model):
    """An allegation of violations against a recipient."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="incidents")
    recipient = models.ForeignKey(
        "hrddp.Recipient", on_delete=models.PROTECT, related_name="incidents",
        help_text="The force, command or unit whose members are alleged to be involved.",
    )
    occurred_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    persons_implicated = models.ManyToManyField("hrddp.PersonOfInterest", blank=True, related_name="incidents")
    categories = models.JSONField(
        default=list, blank=True, help_text="Violation categories (ViolationCategory values)."
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    source_reliability = models.CharField(
        max_length=1, choices=SourceReliability.choices, default=SourceReliability.F
    )
    information_credibility = models.CharField(
        max_length=1, choices=InformationCredibility.choices, default=InformationCredibility.CANNOT_JUDGE
    )
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )
    grave_violation = models.BooleanField("Classified as a grave violation", default=False)
    substantial_grounds = models.BooleanField(
        "Reliable information gives substantial grounds", default=False,
        help_text="P¶26: reliable information providing substantial grounds to believe grave violations are committed.",
    )
    # Confidential: victims, witnesses and sources.
    victims = models.TextField(blank=True)
    witnesses = models.TextField(blank=True)
    source_details = models.TextField("Source", blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    logged_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="When the COM and HQ were alerted (P¶25).")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["engagement", "occurred_on"], name="incident_engagement_date"),
            # The lists across engagements show the newest first, a page at a time.
            models.Index(fields=["-occurred_on", "-id"], name="incident_newest_first"),
        ]

    def __str__(self):
        return f"{self.occurred_on.isoformat()} — {self.recipient.name}"

    @property
    def gives_substantial_grounds_of_grave_violation(self) -> bool:
        return self.grave_violation and self.substantial_grounds

    def category_labels(self) -> list[str]:
        labels = dict(ViolationCategory.choices)
        return [labels.get(c, c) for c in self.categories]


class CorroboratingSource(models.Model):
    """Another source of an incident's information, graded as the incident's own (T/Action 6, P¶15): what lets
    information from a low-graded source ground a determination (monitoring.determinations)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="corroborating_sources")
    description = models.TextField(help_text="Who or what the source is, and what it says.")
    source_reliability = models.CharField(max_length=1, choices=SourceReliability.choices)
    information_credibility = models.CharField(max_length=1, choices=InformationCredibility.choices)
    independent = models.BooleanField(
        "Independent of the incident's source", default=True,
        help_text="Not relaying the same witness, report or channel.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        # Not the description: who or what the source is stays under the confidential access.
        return f"Source graded {self.source_reliability}{self.information_credibility} of incident {self.incident_id}"


class GraveViolationDetermination(models.Model):
    """The Chief of Mission's determination that reliable information gives substantial grounds to believe the
    incident is a grave violation (P¶26), with its reasons and the grades it rests on; withdrawn with reasons."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="determinations")
    determined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=64, blank=True)
    determined_at = models.DateTimeField(default=timezone.now)
    reasons = models.TextField()
    grades = models.JSONField(default=dict, blank=True, help_text="The grades the determination rests on, as they were.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-determined_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=models.Q(withdrawn_at__isnull=True),
                name="one_determination_in_force_per_incident",
            ),
        ]

    def __str__(self):
        return f"Determination on {self.incident_id} by {self.determined_by_id}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


class IndicatorMeasurement(models.Model):
    """The five mitigation-effectiveness figures a project manager enters each quarter (T/Box 6)."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.CASCADE, related_name="indicator_measurements")
    quarter_start = models.DateField(help_text="The first day of the quarter.")
    trained_can_describe_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    beneficiaries_know_grievance_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    units_adopted_regulations = models.PositiveIntegerField(null=True, blank=True)
    self_reports_of_misconduct = models.PositiveIntegerField(null=True, blank=True)
    investigations_increase_pct = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["engagement", "-quarter_start"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "quarter_start"], name="indicator_quarter_unique")
        ]

    def __str__(self):
        return f"Indicators {self.quarter_start.isoformat()} — {self.engagement}"


class IndicatorReport(models.Model):
    """The quarterly indicator report of one engagement (T/Box 6), stored as issued."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.CASCADE, related_name="indicator_reports")
    quarter_start = models.DateField()
    pdf = models.FileField(upload_to="reports/%Y/")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["engagement", "-quarter_start"]
        constraints = [models.UniqueConstraint(fields=["engagement", "quarter_start"], name="indicator_report_once")]

    def __str__(self):
        return f"Indicator report {self.quarter_start.isoformat()} — {self.engagement}"


class PortfolioReport(models.Model):
    """HQ's quarterly roll-up across every office."""

    quarter_start = models.DateField(unique=True)
    pdf = models.FileField(upload_to="reports/%Y/")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-quarter_start"]

    def __str__(self):
        return f"Portfolio report {self.quarter_start.isoformat()}"
