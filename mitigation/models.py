"""Action 5: the mitigation plan and its measures (T/Action 5, T/Box 3)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.models import RiskRating


class MeasureType(models.TextChoices):
    PROJECT_DESIGN = "project_design", "1. Project-design based"
    COMMUNICATIONS = "communications", "2. Communications and agreement-based"
    STANDARD_SETTING = "standard_setting", "3. Standard-setting and capacity-building based"
    MONITORING = "monitoring", "4. Monitoring based"
    SOP = "sop", "5. Standard operating procedures based"
    SCREENING_EXCLUSION = "screening_exclusion", "6. Screening and exclusion-based"
    ACCOUNTABILITY = "accountability", "7. Accountability-based"
    DATA_CONTROL = "data_control", "8. Data control-based"


class MeasureNature(models.TextChoices):
    PREVENTIVE = "preventive", "Preventive"
    CORRECTIVE = "corrective", "Corrective"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    IN_PLACE = "in_place", "In place"
    INEFFECTIVE = "ineffective", "Ineffective"
    DROPPED = "dropped", "Dropped"


class MitigationPlan(models.Model):
    engagement = models.OneToOneField("hrddp.Engagement", on_delete=models.CASCADE, related_name="mitigation_plan")
    residual_risk = models.CharField(
        "Residual risk after mitigation", max_length=8,
        choices=RiskRating.choices, blank=True,
    )
    residual_risk_justification = models.TextField(blank=True)
    waive_visibility = models.BooleanField(
        "Waive donor and organisation branding", default=False,
        help_text="T/Box 5: waiving logos on materials given to high-risk recipients, agreed in writing with the donor.",
    )
    visibility_decision = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["engagement"]

    def __str__(self):
        return f"Mitigation plan of {self.engagement}"

    def missing_for_submission(self, assessment, coordination) -> list[str]:
        reasons = []
        live = self.measures.exclude(status=MeasureStatus.DROPPED)
        if assessment is not None and assessment.final_rating in ("medium", "high"):
            targeted = set(live.values_list("risk_factors", flat=True))
            untargeted = [f.description for f in assessment.risk_factors.all() if f.pk not in targeted]
            if untargeted:
                reasons.append("No measure targets these risk factors: " + "; ".join(untargeted) + ".")
        if not self.residual_risk:
            reasons.append("The residual risk after mitigation has not been stated.")
        if coordination is not None and coordination.mechanism_exists:
            included = set(live.filter(from_gpraf=True).values_list("title", flat=True))
            missing = [line for line in coordination.core_measure_lines() if line not in included]
            if missing:
                reasons.append("The GPRAF's core mitigation measures are not in the plan: " + "; ".join(missing) + ".")
        return reasons

    def mark_submitted(self, *, by):
        self.submitted_at = timezone.now()
        self.submitted_by = by
        self.save(update_fields=["submitted_at", "submitted_by"])


class MitigationMeasure(models.Model):
    plan = models.ForeignKey(MitigationPlan, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(max_length=300)
    measure_type = models.CharField(max_length=32, choices=MeasureType.choices)
    nature = models.CharField(max_length=16, choices=MeasureNature.choices, default=MeasureNature.PREVENTIVE)
    risk_factors = models.ManyToManyField("assessments.RiskFactor", blank=True, related_name="measures")
    owner = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    budget_line = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    from_gpraf = models.BooleanField("Core measure from the GPRAF", default=False)
    excludes_person = models.ForeignKey(
        "hrddp.PersonOfInterest", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="For a screening and exclusion measure: the person it keeps out of the support (P¶16).",
    )
    review_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self):
        return self.title


class MeasureTemplate(models.Model):
    """A good-practice measure to start a plan from (the toolkit's examples, and the office's own)."""

    title = models.CharField(max_length=300, unique=True)
    measure_type = models.CharField(max_length=32, choices=MeasureType.choices)
    nature = models.CharField(max_length=16, choices=MeasureNature.choices, default=MeasureNature.PREVENTIVE)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the practice comes from.")

    class Meta:
        ordering = ["measure_type", "title"]

    def __str__(self):
        return self.title


class LetterKind(models.TextChoices):
    """The letters to the recipient authority. Defined here, below the letters themselves (interventions),
    because the approval stage already reads the notification letter (P¶19) before support is approved."""

    NOTIFICATION = "notification", "Notification of the core principles (P¶19)"
    UNLESS_AND_UNTIL = "unless_and_until", "Support not possible unless and until (P¶16)"
    INTERCESSION = "intercession", "Intercession (P¶26)"
    SUSPENSION = "suspension", "Suspension (P¶27)"
    RESUMPTION = "resumption", "Resumption"
    CESSATION = "cessation", "Cessation of support"


class InterventionProcedure(models.Model):
    """The internal procedure for intervention, suspension or cessation (T/Box 7).

    Set at the mitigation and approval stages, before support is approved; monitoring and
    interventions (Actions 6 and 7) read it afterwards."""

    engagement = models.OneToOneField(
        "hrddp.Engagement", on_delete=models.CASCADE, related_name="intervention_procedure"
    )
    monitoring_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Responsible for due-diligence monitoring.",
    )
    recipient_focal_point = models.ForeignKey(
        "hrddp.GovernmentFocalPoint", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The focal point in the recipient force.",
    )
    reporting_to_com = models.TextField(
        "How violations reach the Chief of Mission", blank=True,
    )

    class Meta:
        ordering = ["engagement"]
        # The table was created by interventions, where the model lived first: it keeps its name, so moving the
        # model moved no data.
        db_table = "interventions_interventionprocedure"

    def __str__(self):
        return f"Intervention procedure of {self.engagement}"

    def missing(self) -> list[str]:
        reasons = []
        if self.monitoring_responsible_id is None:
            reasons.append("Name who is responsible for due-diligence monitoring.")
        if self.recipient_focal_point_id is None:
            reasons.append("Name the recipient's focal point.")
        if not self.reporting_to_com.strip():
            reasons.append("Say how violations reach the Chief of Mission.")
        return reasons
