"""Projects and the support activities they deliver."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, F, Q

# A project longer than this is reassessed every year.
YEAR_DAYS = 366


class Project(models.Model):
    office = models.ForeignKey("hrddp.Office", on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(max_length=50)
    title = models.CharField(max_length=250)
    donor = models.CharField(max_length=200, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    start_date = models.DateField()
    end_date = models.DateField()
    locations = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["office", "code"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="project_code_unique_per_office"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="project_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The project cannot end before it starts."})

    @property
    def lasts_over_a_year(self) -> bool:
        # Such projects are reassessed every year (T/Action 4).
        return (self.end_date - self.start_date).days > YEAR_DAYS

    @staticmethod
    def lasts_over_a_year_q(prefix: str = "") -> Q:
        """lasts_over_a_year as a query condition; `prefix` is the path to the project, e.g. "project__"."""
        later = ExpressionWrapper(F(f"{prefix}start_date") + timedelta(days=YEAR_DAYS), output_field=models.DateField())
        return Q(**{f"{prefix}end_date__gt": later})


class ActivityType(models.TextChoices):
    # Support, P¶8 (a)–(f) with the toolkit's additions (T/Action 1).
    TRAINING = "training", "Training, mentoring, advice or capacity-building for operational capabilities (P¶8a)"
    DIGITAL_IDENTITY = "digital_identity", "Technical support on digital identity solutions (toolkit)"
    AUTHORITY_SUPPORT = "authority_support", "Support to authorities responsible for the forces (P¶8b)"
    FINANCIAL = "financial", "Financial support: salaries, bursaries, allowances, expenses (P¶8c)"
    LOGISTICAL = "logistical", "Strategic or tactical logistical support to operations (P¶8d)"
    INFRASTRUCTURE = "infrastructure", "Construction, rehabilitation or repair of infrastructure (toolkit)"
    MATERIAL = "material", "Material, equipment or transport (toolkit)"
    OPERATIONAL = "operational", "Operational support to action in the field (P¶8e)"
    JOINT_OPERATIONS = "joint_operations", "Joint operations with UN forces (P¶8f)"
    # Exempt, P¶9 (a)–(e).
    LAW_TRAINING = "law_training", "Exempt: training on humanitarian, human-rights or refugee law (P¶9a)"
    STANDARD_SETTING = "standard_setting", "Exempt: standard-setting and human-rights compliance capacity (P¶9b)"
    COMPLIANCE_ENGAGEMENT = "compliance_engagement", "Exempt: promoting compliance or negotiating humanitarian access (P¶9c)"
    MEDIATION = "mediation", "Exempt: mediation and mediation-related support (P¶9d)"
    MEDEVAC = "medevac", "Exempt: MEDEVAC or CASEVAC (P¶9e)"


EXEMPT_ACTIVITY_TYPES = frozenset(
    {
        ActivityType.LAW_TRAINING,
        ActivityType.STANDARD_SETTING,
        ActivityType.COMPLIANCE_ENGAGEMENT,
        ActivityType.MEDIATION,
        ActivityType.MEDEVAC,
    }
)


class Delivery(models.TextChoices):
    DIRECT = "direct", "Direct"
    INDIRECT = "indirect", "Through an implementing partner"


class SupportActivity(models.Model):
    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.CASCADE, related_name="activities")
    description = models.CharField(max_length=300)
    activity_type = models.CharField(max_length=32, choices=ActivityType.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.DIRECT)
    implementing_partner = models.CharField(max_length=200, blank=True)
    target_unit = models.ForeignKey(
        "hrddp.Recipient", on_delete=models.PROTECT, null=True, blank=True, related_name="targeted_by_activities",
        help_text="The command or unit this activity goes to, if not the whole recipient.",
    )

    class Meta:
        ordering = ["engagement", "pk"]
        verbose_name_plural = "support activities"

    def __str__(self):
        return self.description

    def clean(self):
        if self.delivery == Delivery.INDIRECT and not self.implementing_partner:
            raise ValidationError({"implementing_partner": "Name the implementing partner for indirect support."})

    @property
    def is_exempt(self) -> bool:
        return self.activity_type in EXEMPT_ACTIVITY_TYPES
