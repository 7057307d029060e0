"""Action 6: incidents and quarterly indicators (T/Action 6, T/Box 6)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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


class Incident(models.Model):
    """An allegation of violations against a recipient."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="incidents")
    recipient = models.ForeignKey("hrddp.Recipient", on_delete=models.PROTECT, related_name="incidents")
    occurred_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    channel = models.CharField(max_length=32, choices=Channel.choices)
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )
    grave_violation = models.BooleanField("Classified as a grave violation", default=False)
    substantial_grounds = models.BooleanField(
        "Reliable information gives substantial grounds", default=False,
        help_text="P¶26: reliable information providing substantial grounds to believe grave violations are committed.",
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.occurred_on.isoformat()} — {self.recipient.name}"


class IndicatorMeasurement(models.Model):
    """The five mitigation-effectiveness figures a project manager enters each quarter (T/Box 6)."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.CASCADE, related_name="indicator_measurements")
    quarter_start = models.DateField(help_text="The first day of the quarter.")
    trained_can_describe_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    beneficiaries_know_grievance_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    units_adopted_regulations = models.PositiveIntegerField(null=True, blank=True)
    self_reports_of_misconduct = models.PositiveIntegerField(null=True, blank=True)
    investigations_increase_pct = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["engagement", "-quarter_start"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "quarter_start"], name="indicator_quarter_unique")
        ]

    def __str__(self):
        return f"Indicators {self.quarter_start.isoformat()} — {self.engagement}"
