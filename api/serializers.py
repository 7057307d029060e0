"""How each record is written out. Read-only: writes go through the services (api/views.py), which take
plain data; a serializer here only validates a request's fields before the service is called."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import ApiToken
from assessments.models import (
    AssessmentElement,
    CitedSource,
    CoordinationRecord,
    PreconditionsCheck,
    RiskAssessment,
    RiskFactor,
    Screening,
)
from hrddp import access, lifecycle
from hrddp.forms import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE
from hrddp.models import (
    AuditEntry,
    CommandPeriod,
    Engagement,
    GovernmentFocalPoint,
    Notification,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    SupportActivity,
)
from interventions.models import Exclusion, InterventionCase, Letter
from mitigation.models import MitigationMeasure, MitigationPlan
from mitigation.services import excludable_persons
from monitoring.incident_output import IncidentPresenter
from monitoring.models import CONFIDENTIAL_FIELDS, Incident, IndicatorMeasurement, ViolationCategory
from register.models import Allegation


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class _Person(serializers.StringRelatedField):
    """A user as the pages name them; null where no one is recorded."""


# --- Offices, recipients and the register --------------------------------------------------------------


class OfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "code", "name", "entity", "country", "region", "has_country_mechanism"]


class RecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recipient
        fields = ["id", "name", "country", "category", "level", "parent"]


class _UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recipient
        fields = ["id", "name", "level"]


class CommandPeriodSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = CommandPeriod
        fields = ["id", "person", "person_name", "unit", "unit_name", "position", "start_date", "end_date"]


class AllegationSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name", read_only=True, help_text=_("The office that recorded it."))

    class Meta:
        model = Allegation
        fields = ["id", "category", "summary", "occurred_on", "status", "status_changed_at", "office", "recorded_at"]


class PersonOfInterestSerializer(serializers.ModelSerializer):
    command_periods = CommandPeriodSerializer(many=True, read_only=True)
    allegations = AllegationSerializer(many=True, read_only=True)

    class Meta:
        model = PersonOfInterest
        fields = [
            "id", "full_name", "rank", "recipient", "birth_date", "birth_year", "service_number", "identifiers",
            "command_periods", "allegations",
        ]


class ExclusionSerializer(serializers.ModelSerializer):
    engagement_reference = serializers.CharField(source="engagement.reference", read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = Exclusion
        fields = [
            "id", "engagement", "engagement_reference", "person", "unit", "reason", "excluded_at", "lifted_at",
            "lift_reason", "in_force",
        ]

    def get_in_force(self, exclusion) -> bool:
        return exclusion.lifted_at is None


class RecipientDetailSerializer(RecipientSerializer):
    units = _UnitSerializer(source="children", many=True, read_only=True)
    persons_of_interest = PersonOfInterestSerializer(many=True, read_only=True)
    command_periods = CommandPeriodSerializer(many=True, read_only=True, help_text=_("Who commanded it, then or now."))
    exclusions = serializers.SerializerMethodField()

    class Meta(RecipientSerializer.Meta):
        fields = RecipientSerializer.Meta.fields + ["units", "persons_of_interest", "command_periods", "exclusions"]

    @extend_schema_field(ExclusionSerializer(many=True))
    def get_exclusions(self, recipient):
        from api.selectors import recipient_exclusions

        return ExclusionSerializer(recipient_exclusions(recipient), many=True).data


# --- Projects, engagements, activities ----------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "office", "code", "title", "donor", "budget", "currency", "start_date", "end_date", "locations"]


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportActivity
        fields = ["id", "engagement", "description", "activity_type", "delivery", "implementing_partner", "target_unit"]


class EngagementSerializer(serializers.ModelSerializer):
    office_code = serializers.CharField(source="office.code", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    assessed_risk = serializers.CharField(
        read_only=True, help_text=_("The final rating of the latest risk assessment; 'none' while not rated.")
    )
    residual_risk = serializers.CharField(
        read_only=True, help_text=_("The risk the mitigation plan says remains; 'none' while not stated.")
    )

    class Meta:
        model = Engagement
        fields = [
            "id", "reference", "title", "office", "office_code", "project", "recipient", "recipient_name", "state",
            "state_label", "revision", "created_at", "state_changed_at", "support_approved_at",
            "reassessment_flagged_at", "assessed_risk", "residual_risk",
        ]
        extra_kwargs = {
            "revision": {"help_text": _("Send it back with a transition: a step taken on a stale revision is refused.")}
        }


class HistoryEntrySerializer(serializers.ModelSerializer):
    actor = _Person()
    action_label = serializers.CharField(read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "action_label", "from_state", "to_state", "justification"]


class TransitionChoiceSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    who = serializers.CharField(help_text=_("Whose step it is."))
    target = serializers.CharField(help_text=_("The state it leads to."))
    available = serializers.BooleanField(help_text=_("Whether the user may take it now."))
    refusals = serializers.ListField(child=serializers.CharField(), help_text=_("Why not, when it is not available."))


class EngagementDetailSerializer(EngagementSerializer):
    activities = ActivitySerializer(many=True, read_only=True)
    created_by = _Person()
    transitions = serializers.SerializerMethodField()
    waiting_for = serializers.SerializerMethodField()

    class Meta(EngagementSerializer.Meta):
        fields = EngagementSerializer.Meta.fields + [
            "focal_point", "previous_request", "created_by", "reassessment_flag_reason", "activities", "transitions",
            "waiting_for",
        ]

    def _choices(self, engagement):
        cache = self.context.setdefault("_choices", {})
        if engagement.pk not in cache:
            cache[engagement.pk] = lifecycle.choices_for(engagement, self.context["request"].user)
        return cache[engagement.pk]

    @extend_schema_field(TransitionChoiceSerializer(many=True))
    def get_transitions(self, engagement):
        return [
            {
                "name": c.info.name, "label": str(c.info.label), "who": str(c.info.who), "target": c.info.target,
                "available": c.available, "refusals": [str(r) for r in c.refusals],
            }
            for c in self._choices(engagement)
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_waiting_for(self, engagement):
        """The steps out of the current state that other roles take."""
        return [t.name for t in lifecycle.steps_by_others(engagement, self._choices(engagement))]


class TransitionRequestSerializer(serializers.Serializer):
    justification = serializers.CharField(max_length=5000, help_text=_("Why the step is taken: every decision records it."))
    revision = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text=_("The engagement's revision the client saw (its `revision` field).")
    )


class RefusalSerializer(serializers.Serializer):
    """The body of a refusal."""

    class _Error(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        reasons = serializers.ListField(child=serializers.CharField(), required=False)
        fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)

    error = _Error()


# --- Actions 1–4 --------------------------------------------------------------------------------------------


class ScreeningSerializer(serializers.ModelSerializer):
    class Meta:
        model = Screening
        fields = [
            "id", "engagement", "engages_security_force", "provides_support", "entirely_exempt",
            "engages_security_force_note", "provides_support_note", "entirely_exempt_note", "prudential_assessment",
            "rationale", "updated_at",
        ]


class PreconditionsSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreconditionsCheck
        fields = [
            "id", "engagement", "national_ownership_met", "national_ownership_evidence", "no_death_penalty_met",
            "no_death_penalty_evidence", "no_weapons_met", "no_weapons_evidence", "no_combat_capacity_met",
            "no_combat_capacity_evidence", "updated_at",
        ]


class CoordinationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoordinationRecord
        fields = [
            "id", "engagement", "mechanism_exists", "gpraf_reference", "gpraf_date", "core_mitigation_measures",
            "inform_of_decisions", "updated_at",
        ]


class _ElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentElement
        fields = ["id", "element", "narrative", "rating"]


class _SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CitedSource
        fields = ["id", "element", "citation", "is_un_source", "reliability"]


class _RiskFactorSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskFactor
        fields = ["id", "element", "description"]


class RiskAssessmentSerializer(serializers.ModelSerializer):
    created_by = _Person()
    decided_by = _Person()
    elements = _ElementSerializer(many=True, read_only=True)
    sources = _SourceSerializer(many=True, read_only=True)
    risk_factors = _RiskFactorSerializer(many=True, read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id", "engagement", "version", "status", "final_rating", "final_justification", "created_by",
            "created_at", "submitted_at", "decided_by", "decided_at", "review_comments", "elements", "sources",
            "risk_factors",
        ]


# --- Action 5 -----------------------------------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer):
    engagement = serializers.IntegerField(source="plan.engagement_id", read_only=True)
    risk_factors = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("The risk factors of the current assessment it targets.")
    )

    class Meta:
        model = MitigationMeasure
        fields = [
            "id", "plan", "engagement", "title", "measure_type", "nature", "risk_factors", "owner", "due_date",
            "budget_line", "status", "from_gpraf", "excludes_person", "review_notes",
        ]


class MitigationPlanSerializer(serializers.ModelSerializer):
    submitted_by = _Person()
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = MitigationPlan
        fields = [
            "id", "engagement", "residual_risk", "residual_risk_justification", "waive_visibility",
            "visibility_decision", "submitted_at", "submitted_by", "measures",
        ]


# --- Action 6 -----------------------------------------------------------------------------------------------

_CONFIDENTIAL_HELP = _(
    "Confidential: shown only to users granted the engagement's confidential access; otherwise a redaction notice."
)


class IncidentSerializer(serializers.ModelSerializer):
    """An incident as the pages show it: victims, witnesses and sources through the one presenter that redacts
    (monitoring.incident_output.IncidentPresenter). The view hands in the engagements whose confidential
    access the user holds (context["confidential_ids"], one query for the whole page)."""

    logged_by = _Person()
    persons_implicated = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    victims = serializers.SerializerMethodField(help_text=_CONFIDENTIAL_HELP)
    witnesses = serializers.SerializerMethodField(help_text=_CONFIDENTIAL_HELP)
    source_details = serializers.SerializerMethodField(help_text=_CONFIDENTIAL_HELP)
    confidential_visible = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id", "engagement", "recipient", "occurred_on", "place", "description", "persons_implicated",
            "categories", "channel", "source_reliability", "information_credibility", "verification_status",
            "grave_violation", "substantial_grounds", "logged_by", "logged_at", "escalated_at",
            *CONFIDENTIAL_FIELDS, "confidential_visible",
        ]

    def _presented(self, incident) -> dict:
        cache = self.context.setdefault("_presented", {})
        if incident.pk not in cache:
            presenter = IncidentPresenter(
                engagement=incident.engagement, confidential=incident.engagement_id in self.context["confidential_ids"]
            )
            cache[incident.pk] = presenter.present(incident)
        return cache[incident.pk]

    @extend_schema_field(OpenApiTypes.STR)
    def get_victims(self, incident):
        return self._presented(incident)["victims"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_witnesses(self, incident):
        return self._presented(incident)["witnesses"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_source_details(self, incident):
        return self._presented(incident)["source_details"]

    def get_confidential_visible(self, incident) -> bool:
        return self._presented(incident)["confidential_visible"]


class IndicatorSerializer(serializers.ModelSerializer):
    entered_by = _Person()

    class Meta:
        model = IndicatorMeasurement
        fields = [
            "id", "engagement", "quarter_start", "trained_can_describe_pct", "beneficiaries_know_grievance_pct",
            "units_adopted_regulations", "self_reports_of_misconduct", "investigations_increase_pct", "notes",
            "entered_by", "entered_at",
        ]


# --- Action 7 -----------------------------------------------------------------------------------------------


class InterventionCaseSerializer(serializers.ModelSerializer):
    opened_by = _Person()
    incidents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = InterventionCase
        fields = [
            "id", "engagement", "opened_by", "opened_at", "incidents", "report", "strengthen_mitigation",
            "report_to_oversight", "communicate_with_focal_point", "exclude_individuals_or_units", "course_notes",
            "course_recorded_at", "suspension_risk_evaluation", "mandate_critically_affected", "mandate_flagged_at",
            "governing_body_advised_on", "why_suspension_skipped", "result", "result_evidence", "closed_at",
        ]


class LetterSerializer(serializers.ModelSerializer):
    signatory = _Person()
    issued_by = _Person()
    pdf_available = serializers.SerializerMethodField(help_text=_("Whether the stored PDF can be downloaded (issued letters)."))

    class Meta:
        model = Letter
        fields = [
            "id", "engagement", "kind", "language", "reference", "addressee", "subject", "signatory", "corrects",
            "created_at", "letter_date", "issued_at", "issued_by", "sha256", "dispatched_on", "dispatch_channel",
            "pdf_available",
        ]

    def get_pdf_available(self, letter) -> bool:
        return bool(letter.is_issued and letter.pdf)


# --- The user's own -----------------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "engagement", "title", "body", "url", "created_at", "read_at"]


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_on", "last_used_at", "revoked_at"]


# --- What a write takes: validated here, written by the service ------------------------------------------------


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class _Scoped(serializers.PrimaryKeyRelatedField):
    """An id among the records `scope(user)` returns: any other (another country's, or none at all) is one
    answer, "not found", so the field tells nothing of what the user may not see."""

    default_error_messages = {"does_not_exist": _("No such record."), "incorrect_type": _("Give the record's id.")}

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int) or not 0 < data < 2**63:
            self.fail("incorrect_type")
        return super().to_internal_value(data)


class _Date(serializers.DateField):
    """A date within the range every page accepts (hrddp.forms)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
            MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
        ]


def _visible_recipients(user):
    return access.visible_recipients(user)


def _own_projects(user):
    return Project.objects.filter(office_id__in=access.project_manager_office_ids(user)).select_related("office")


def _own_focal_points(user):
    return GovernmentFocalPoint.objects.filter(office_id__in=access.project_manager_office_ids(user))


def _visible_persons(user):
    return PersonOfInterest.objects.filter(recipient__in=access.visible_recipients(user))


class ActivityInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=5000)
    activity_type = serializers.ChoiceField(choices=SupportActivity._meta.get_field("activity_type").choices)
    delivery = serializers.ChoiceField(choices=SupportActivity._meta.get_field("delivery").choices, default="direct")
    implementing_partner = serializers.CharField(max_length=200, allow_blank=True, default="")
    target_unit = _Scoped(_visible_recipients, required=False, allow_null=True, default=None)


class EngagementOpenSerializer(serializers.Serializer):
    """A new request for support, as the project manager opens it on the page: an existing recipient."""

    title = serializers.CharField(max_length=250)
    project = _Scoped(_own_projects, help_text=_("A project of an office where you are the project manager."))
    recipient = _Scoped(_visible_recipients)
    focal_point = _Scoped(_own_focal_points, required=False, allow_null=True, default=None)
    activities = ActivityInputSerializer(many=True, help_text=_("What the support is; at least one."))

    def validate_activities(self, value):
        if not value:
            raise serializers.ValidationError(_("Describe at least one support activity."))
        return value




class IncidentInputSerializer(serializers.Serializer):
    """An incident's fields as the services take them (monitoring.incident_rules.PUBLIC_FIELDS and the confidential
    ones); on a change (PATCH) those left out stay as they are."""

    recipient = _Scoped(_visible_recipients)
    occurred_on = _Date()
    place = serializers.CharField(max_length=200, allow_blank=True, required=False)
    # Blank is the service's to refuse, with the other rules that only it checks (a date in the future...).
    description = serializers.CharField(max_length=20000, allow_blank=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ViolationCategory.choices), required=False, max_length=20,
    )
    channel = serializers.ChoiceField(choices=Incident._meta.get_field("channel").choices)
    source_reliability = serializers.ChoiceField(choices=Incident._meta.get_field("source_reliability").choices, required=False)
    information_credibility = serializers.ChoiceField(
        choices=Incident._meta.get_field("information_credibility").choices, required=False
    )
    verification_status = serializers.ChoiceField(choices=Incident._meta.get_field("verification_status").choices, required=False)
    grave_violation = serializers.BooleanField(required=False)
    victims = serializers.CharField(max_length=20000, allow_blank=True, required=False, help_text=_CONFIDENTIAL_HELP)
    witnesses = serializers.CharField(max_length=20000, allow_blank=True, required=False, help_text=_CONFIDENTIAL_HELP)
    source_details = serializers.CharField(max_length=20000, allow_blank=True, required=False, help_text=_CONFIDENTIAL_HELP)
    persons_implicated = _Scoped(_visible_persons, many=True, required=False)



class EngagementRefSerializer(serializers.Serializer):
    """The engagement a new record belongs to: looked up first, so another office's is a 404 whatever the rest."""

    engagement = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class IncidentLogSerializer(IncidentInputSerializer, EngagementRefSerializer):
    pass


class IndicatorEntrySerializer(EngagementRefSerializer):
    """The project manager's five figures of a quarter (entering a quarter again changes them)."""

    quarter = serializers.RegexField(r"^[0-9]{4}-Q[1-4]$", help_text=_("e.g. 2026-Q3"))

    def validate_quarter(self, value):
        if not EARLIEST_DATE.year <= int(value[:4]) <= LATEST_DATE.year:
            raise serializers.ValidationError(DATE_RANGE_MESSAGE)
        return value
    trained_can_describe_pct = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    beneficiaries_know_grievance_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    units_adopted_regulations = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    self_reports_of_misconduct = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    investigations_increase_pct = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


def _choices(model, name):
    return model._meta.get_field(name).choices


class MeasureInputSerializer(serializers.Serializer):
    """A measure of the mitigation plan as the plan page's form takes it; on a change (PATCH) the fields left out
    stay as they are. The view hands in the engagement (context["engagement"]): the risk factors are those of
    its current assessment, the person one of its recipient's force, as the page offers them."""

    title = serializers.CharField(max_length=300)
    measure_type = serializers.ChoiceField(choices=_choices(MitigationMeasure, "measure_type"))
    nature = serializers.ChoiceField(choices=_choices(MitigationMeasure, "nature"), default="preventive")
    risk_factors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=200, default=list,
        help_text=_("Ids of the current assessment's risk factors the measure targets."),
    )
    excludes_person = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, allow_null=True, default=None,
        help_text=_("For a screening and exclusion measure: the person of interest of the recipient's force it keeps "
                    "out of the support (P¶16)."),
    )
    owner = serializers.CharField(max_length=200, allow_blank=True, default="")
    due_date = _Date(allow_null=True, default=None)
    budget_line = serializers.CharField(max_length=100, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=_choices(MitigationMeasure, "status"), default="planned")
    review_notes = serializers.CharField(max_length=20000, allow_blank=True, default="")

    def validate_risk_factors(self, value):
        engagement = self.context.get("engagement")
        if not value or engagement is None:
            return value
        # The page offers the current assessment's factors only (mitigation.views.mitigation_plan).
        assessment = engagement.current_assessment
        factors = assessment.risk_factors.filter(pk__in=value) if assessment is not None else RiskFactor.objects.none()
        known = set(factors.values_list("pk", flat=True))
        if set(value) - known:
            raise serializers.ValidationError(_("Choose risk factors of the engagement's current assessment."))
        return list(dict.fromkeys(value))

    def validate_excludes_person(self, value):
        engagement = self.context.get("engagement")
        if value is None or engagement is None:
            return value
        if not excludable_persons(engagement).filter(pk=value).exists():
            raise serializers.ValidationError(_("Exclude a person of interest of the recipient's force."))
        return value


class MeasureCreateSerializer(MeasureInputSerializer, EngagementRefSerializer):
    """A new measure of the engagement's mitigation plan (the plan is drawn up by its first measure)."""


class _ElementAnswerSerializer(serializers.Serializer):
    element = serializers.ChoiceField(choices=_choices(AssessmentElement, "element"))
    narrative = serializers.CharField(max_length=20000, allow_blank=True, default="")
    rating = serializers.ChoiceField(choices=_choices(AssessmentElement, "rating"), allow_blank=True, default="")


class _RowSerializer(serializers.Serializer):
    """A row of the draft: with an `id` it changes (or, with `delete`, removes) that row of the version; without
    one it is added. Rows left out stay as they are."""

    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    delete = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if attrs.get("delete") and "id" not in attrs:
            raise serializers.ValidationError(_("Name the row to remove by its id."))
        return attrs


class _SourceRowSerializer(_RowSerializer):
    citation = serializers.CharField(max_length=500, required=False)
    is_un_source = serializers.BooleanField(required=False)
    reliability = serializers.ChoiceField(choices=_choices(CitedSource, "reliability"), required=False)
    element = serializers.ChoiceField(choices=_choices(CitedSource, "element"), allow_blank=True, required=False)


class _FactorRowSerializer(_RowSerializer):
    description = serializers.CharField(max_length=500, required=False)
    element = serializers.ChoiceField(choices=_choices(RiskFactor, "element"), allow_blank=True, required=False)


class AssessmentDraftSerializer(serializers.Serializer):
    """What the project manager writes on the draft of the latest version, as on the assessment page; what is left
    out stays as it is. Sources and risk factors are checked by the page's service (assessments.risk), row by row."""

    elements = _ElementAnswerSerializer(many=True, required=False, max_length=len(_choices(AssessmentElement, "element")))
    final_rating = serializers.ChoiceField(choices=_choices(RiskAssessment, "final_rating"), allow_blank=True, required=False)
    final_justification = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    sources = _SourceRowSerializer(many=True, required=False, max_length=500)
    risk_factors = _FactorRowSerializer(many=True, required=False, max_length=500)
    revision = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False,
        help_text=_("The engagement's revision the client saw: a draft saved after a step since is refused (409)."),
    )

    def validate_elements(self, value):
        named = [answer["element"] for answer in value]
        if len(named) != len(set(named)):
            raise serializers.ValidationError(_("Answer each element once."))
        return value
