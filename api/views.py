"""The API's endpoints. Each list starts from what the user may see (api/selectors.py over hrddp.access), so
another office's record is not in a list and its detail is a 404. A write (taking a step, opening a request,
logging or changing an incident, entering a quarter's figures) validates the body, then calls the same service
as the page, with the same refusals, inside `audit_context` so that its audit entries name the token."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters as drf_filters
from rest_framework import permissions as drf_permissions
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import filters, selectors, serializers
from api.models import ApiToken
from assessments import risk
from common.pdf import pdf_response
from hrddp import access, lifecycle, services
from hrddp.services import EngagementChangedMeanwhile, TransitionRefused
from interventions import letters
from mitigation import services as mitigation_services
from monitoring import incident_services, indicators
from monitoring.quarters import parse_quarter

# Ids longer than this would overflow the database's integer (a 404, like any id that is not there).
ID_PATTERN = "[0-9]{1,18}"


def _via(request) -> dict:
    """What every audit entry written by this call adds to its details: the API, and the token if one was used."""
    via = {"via": "api"}
    if isinstance(request.auth, ApiToken):
        via |= {"api_token": request.auth.pk, "api_token_name": request.auth.name}
    return via


def _valid(serializer_class, request, **kwargs):
    kwargs.setdefault("context", {"request": request})
    body = serializer_class(data=request.data, **kwargs)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _engagement_of_body(request):
    """The engagement a new record names, or 404 (another office's, or none): before the rest is read."""
    reference = serializers.EngagementRefSerializer(data=request.data if isinstance(request.data, dict) else {})
    if not reference.is_valid():
        # Reported with the body's other errors.
        return None
    return access.get_engagement_or_404(request.user, reference.validated_data["engagement"])


class _ReadOnly(viewsets.ReadOnlyModelViewSet):
    """A list and a detail of the records `selector(user)` returns; ordered, filtered, paged."""

    selector = None
    detail_selector = None
    detail_serializer_class = None
    lookup_value_regex = ID_PATTERN
    filter_backends = [DjangoFilterBackend, drf_filters.OrderingFilter]
    ordering_fields: list[str] = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a user
            return self.get_serializer_class().Meta.model.objects.none()
        selector = self.detail_selector if self.action == "retrieve" and self.detail_selector else self.selector
        return selector(self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class


def _selector(function):
    """A selector as a class attribute (not bound as a method)."""
    return staticmethod(function)


class OfficeViewSet(_ReadOnly):
    """The offices the user works in (HQ and auditors: every office)."""

    serializer_class = serializers.OfficeSerializer
    selector = _selector(selectors.offices_for)
    filterset_class = filters.OfficeFilter
    ordering_fields = ["id", "code", "name", "country"]


class RecipientViewSet(_ReadOnly):
    """The recipients of the countries where the user's offices work. The detail adds the register's record:
    units, persons of interest (with their command periods and the allegations against them), the command periods
    over the recipient and the exclusions covering it."""

    serializer_class = serializers.RecipientSerializer
    detail_serializer_class = serializers.RecipientDetailSerializer
    selector = _selector(selectors.recipients_for)
    detail_selector = _selector(selectors.recipient_detail_for)
    filterset_class = filters.RecipientFilter
    ordering_fields = ["id", "name", "country", "level"]


class ProjectViewSet(_ReadOnly):
    serializer_class = serializers.ProjectSerializer
    selector = _selector(selectors.projects_for)
    filterset_class = filters.ProjectFilter
    ordering_fields = ["id", "code", "title", "start_date", "end_date"]


_REFUSED = OpenApiResponse(serializers.RefusalSerializer, description=_("Refused: the body says why."))


def _refused(message: str) -> Response:
    """A write the engagement's stage does not allow: 400 with the page's reason."""
    return Response(
        {"error": {"code": "refused", "message": message, "reasons": [message]}}, status=status.HTTP_400_BAD_REQUEST
    )


_STAGE_REFUSED = OpenApiResponse(
    serializers.RefusalSerializer, description=_("Bad input (`fields`), or the engagement's stage does not allow "
                                                 "the change (`reasons`).")
)


@extend_schema_view(
    transition=extend_schema(
        request=serializers.TransitionRequestSerializer,
        responses={
            200: serializers.EngagementDetailSerializer,
            400: OpenApiResponse(serializers.RefusalSerializer, description=_("A condition of the step is not met; "
                                                                            "`reasons` says which.")),
            403: _REFUSED,
            404: _REFUSED,
            409: OpenApiResponse(serializers.RefusalSerializer, description=_("The engagement changed meanwhile: "
                                                                            "reload it and decide again.")),
        },
        description=_(
            "Take a step of the lifecycle (the names are in the engagement's `transitions`). The same service as "
            "the engagement page: the role's permission, the step's conditions, the optimistic lock on `revision`, "
            "and one audit entry, which names the API token used."
        ),
    ),
    history=extend_schema(responses=serializers.HistoryEntrySerializer(many=True)),
    create=extend_schema(
        request=serializers.EngagementOpenSerializer,
        responses={201: serializers.EngagementDetailSerializer, 403: _REFUSED},
        description=_("Open a request for support (a project manager, in a project of their office), as on the page."),
    ),
)
class EngagementViewSet(_ReadOnly):
    """The engagements the user sees. The detail adds its activities, the steps the user's role takes out of
    the current state with the reasons each is refused now, and the steps others take."""

    serializer_class = serializers.EngagementSerializer
    detail_serializer_class = serializers.EngagementDetailSerializer
    selector = _selector(selectors.engagements_for)
    detail_selector = _selector(selectors.engagement_detail_for)
    filterset_class = filters.EngagementFilter
    ordering_fields = ["id", "reference", "title", "state", "state_changed_at", "created_at"]
    ordering = ["-state_changed_at", "-id"]

    def create(self, request):
        if not access.may_open_request(request.user):
            raise PermissionDenied(_("Only a project manager of an office opens a request."))
        data = _valid(serializers.EngagementOpenSerializer, request)
        with services.audit_context(**_via(request)):
            engagement = services.engagement_open_request(
                by=request.user, title=data["title"], project=data["project"], recipient=data["recipient"],
                focal_point=data["focal_point"], activities=[dict(a) for a in data["activities"]],
            )
        fresh = selectors.engagement_detail_for(request.user).get(pk=engagement.pk)
        return Response(
            serializers.EngagementDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["get"], filter_backends=[], filterset_class=None)
    def history(self, request, pk=None):
        """The engagement's audit trail, oldest first: who did what, when, from which state to which, and why."""
        engagement = access.get_engagement_or_404(request.user, pk)
        page = self.paginate_queryset(selectors.engagement_history(engagement))
        return self.get_paginated_response(serializers.HistoryEntrySerializer(page, many=True).data)

    @action(
        detail=True, methods=["post"], url_path=r"transitions/(?P<name>[-a-z0-9_]{1,64})", filter_backends=[],
        filterset_class=None, permission_classes=[drf_permissions.IsAuthenticated],
    )
    def transition(self, request, pk=None, name=None):
        engagement = access.get_engagement_or_404(request.user, pk)
        if lifecycle.transition_info(name) is None:
            raise Http404(_("No such step."))
        if not lifecycle.may_attempt(engagement, request.user, name):
            raise PermissionDenied(_("Your role does not allow this step on this engagement."))
        body = serializers.TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with services.audit_context(**_via(request)):
                services.engagement_transition(
                    engagement_id=engagement.pk, name=name, by=request.user,
                    justification=body.validated_data["justification"],
                    expected_revision=body.validated_data["revision"],
                )
        except EngagementChangedMeanwhile as exc:
            return Response({"error": {"code": "changed_meanwhile", "message": exc.message}}, status=status.HTTP_409_CONFLICT)
        except TransitionRefused as exc:
            return Response(
                {"error": {"code": "refused", "message": str(exc), "reasons": [str(r) for r in exc.reasons]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        fresh = selectors.engagement_detail_for(request.user).get(pk=engagement.pk)
        return Response(serializers.EngagementDetailSerializer(fresh, context=self.get_serializer_context()).data)


class ActivityViewSet(_ReadOnly):
    serializer_class = serializers.ActivitySerializer
    selector = _selector(selectors.activities_for)
    filterset_class = filters.ByEngagementFilter


class ScreeningViewSet(_ReadOnly):
    """Action 1: whether the policy applies."""

    serializer_class = serializers.ScreeningSerializer
    selector = _selector(selectors.screenings_for)
    filterset_class = filters.UpdatedByEngagementFilter
    ordering_fields = ["id", "updated_at"]


class PreconditionsViewSet(_ReadOnly):
    """Action 2: the preconditions of support."""

    serializer_class = serializers.PreconditionsSerializer
    selector = _selector(selectors.preconditions_for)
    filterset_class = filters.UpdatedByEngagementFilter
    ordering_fields = ["id", "updated_at"]


class CoordinationViewSet(_ReadOnly):
    """Action 3: coordination with the country mechanism."""

    serializer_class = serializers.CoordinationSerializer
    selector = _selector(selectors.coordination_for)
    filterset_class = filters.UpdatedByEngagementFilter
    ordering_fields = ["id", "updated_at"]


@extend_schema_view(
    partial_update=extend_schema(
        request=serializers.AssessmentDraftSerializer,
        responses={
            200: serializers.RiskAssessmentSerializer, 400: _STAGE_REFUSED, 403: _REFUSED, 404: _REFUSED,
            409: OpenApiResponse(serializers.RefusalSerializer, description=_("The engagement changed meanwhile: "
                                                                            "reload it and write again.")),
        },
        description=_(
            "Write the draft of the latest version (the engagement's project manager, at the risk assessment stage), "
            "as on the assessment page: element answers, final rating, sources and risk factors. Submitting it is a "
            "step (`submit_assessment`). Like the page's saves of a draft, not in the audit trail: the trail holds "
            "the version submitted, which is frozen."
        ),
    ),
)
class RiskAssessmentViewSet(_ReadOnly):
    """Action 4: every version of each engagement's risk assessment, with its elements, sources and risk factors."""

    serializer_class = serializers.RiskAssessmentSerializer
    selector = _selector(selectors.assessments_for)
    filterset_class = filters.AssessmentFilter
    ordering_fields = ["id", "version", "created_at"]
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, pk=None):
        assessment = self.get_object()
        engagement = assessment.engagement
        access.require_prepare(request.user, engagement, _("Only the engagement's project manager writes its assessment."))
        latest = engagement.assessments.aggregate(latest=Max("version"))["latest"]
        refusal = risk.assessment_editable_refusal(assessment=assessment, engagement=engagement, latest_version=latest)
        if refusal:
            return _refused(refusal)
        data = _valid(serializers.AssessmentDraftSerializer, request)
        draft = {
            "elements": {a["element"]: {"narrative": a["narrative"], "rating": a["rating"]} for a in data.get("elements", [])},
            "final_rating": data.get("final_rating", assessment.final_rating),
            "final_justification": data.get("final_justification", assessment.final_justification),
            "sources": [dict(row) for row in data.get("sources", [])],
            "factors": [dict(row) for row in data.get("risk_factors", [])],
        }
        try:
            with services.audit_context(**_via(request)):
                risk.assessment_save_draft(
                    assessment=assessment, **draft, by=request.user, expected_revision=data.get("revision"),
                )
        except EngagementChangedMeanwhile as exc:
            return Response({"error": {"code": "changed_meanwhile", "message": exc.message}}, status=status.HTTP_409_CONFLICT)
        except risk.AssessmentNotEditable as exc:
            return _refused(exc.message)
        except DjangoValidationError as exc:
            # The service names the risk factors "factors"; the API's field is "risk_factors".
            raise DjangoValidationError(
                {("risk_factors" if key == "factors" else key): messages for key, messages in exc.message_dict.items()}
            ) from exc
        return Response(self.get_serializer(selectors.assessments_for(request.user).get(pk=assessment.pk)).data)


class MitigationPlanViewSet(_ReadOnly):
    """Action 5: the mitigation plan of each engagement, with its measures."""

    serializer_class = serializers.MitigationPlanSerializer
    selector = _selector(selectors.plans_for)
    filterset_class = filters.ByEngagementFilter


@extend_schema_view(
    create=extend_schema(
        request=serializers.MeasureCreateSerializer,
        responses={201: serializers.MeasureSerializer, 400: _STAGE_REFUSED, 403: _REFUSED, 404: _REFUSED},
        description=_("Add a measure to the engagement's mitigation plan (its project manager, while the engagement "
                      "is at the mitigation stage), as on the plan page; the plan is drawn up by its first measure."),
    ),
    partial_update=extend_schema(
        request=serializers.MeasureInputSerializer,
        responses={200: serializers.MeasureSerializer, 400: _STAGE_REFUSED, 403: _REFUSED, 404: _REFUSED},
        description=_("Change a measure of the plan while the engagement is at the mitigation stage; fields left out "
                      "stay as they are."),
    ),
)
class MeasureViewSet(_ReadOnly):
    """Action 5: the measures of the mitigation plans. Added and changed through the plan page's service
    (mitigation.services.plan_save): the same permission, stage, checks and audit entry."""

    serializer_class = serializers.MeasureSerializer
    selector = _selector(selectors.measures_for)
    filterset_class = filters.MeasureFilter
    ordering_fields = ["id", "due_date", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _save(self, request, engagement, row):
        """The row written by the plan's service; the measure it wrote, or the refusal."""
        try:
            # The service locks the engagement's row until the end of this transaction: the measure read back
            # is the one this call added.
            with transaction.atomic(), services.audit_context(**_via(request)):
                plan = mitigation_services.plan_save(by=request.user, engagement=engagement, fields={}, measures=[row])
                pk = row.get("id") or plan.measures.order_by("-pk").values_list("pk", flat=True).first()
        except mitigation_services.NotEditable as exc:
            return None, _refused(exc.message)
        return selectors.measures_for(request.user).get(pk=pk), None

    def _may_write(self, request, engagement):
        access.require_prepare(request.user, engagement, _("Only the engagement's project manager changes its plan."))
        return mitigation_services.plan_editable_refusal(engagement=engagement)

    def create(self, request):
        engagement = _engagement_of_body(request)
        if engagement is not None:
            refusal = self._may_write(request, engagement)
            if refusal:
                return _refused(refusal)
        data = dict(_valid(serializers.MeasureCreateSerializer, request, context={"request": request, "engagement": engagement}))
        data.pop("engagement")
        measure, refused = self._save(request, engagement, data)
        return refused or Response(self.get_serializer(measure).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        measure = self.get_object()
        engagement = measure.plan.engagement
        refusal = self._may_write(request, engagement)
        if refusal:
            return _refused(refusal)
        data = dict(_valid(
            serializers.MeasureInputSerializer, request, partial=True,
            context={"request": request, "engagement": engagement},
        ))
        measure, refused = self._save(request, engagement, {"id": measure.pk, **data})
        return refused or Response(self.get_serializer(measure).data)


@extend_schema_view(
    create=extend_schema(
        request=serializers.IncidentLogSerializer, responses={201: serializers.IncidentSerializer, 403: _REFUSED},
        description=_("Log an incident (the engagement's project manager), with the page's checks and escalation."),
    ),
    partial_update=extend_schema(
        request=serializers.IncidentInputSerializer, responses={200: serializers.IncidentSerializer, 403: _REFUSED},
        description=_("Change an incident; fields left out stay as they are. Confidential details only with the "
                      "engagement's confidential access."),
    ),
)
class IncidentViewSet(_ReadOnly):
    """Action 6: incidents. Victims, witnesses and sources only on the engagements whose confidential access the
    user was granted; elsewhere those fields carry the redaction notice."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def _answer(self, incident_pk, status_code=status.HTTP_200_OK):
        incident = selectors.incidents_for(self.request.user).get(pk=incident_pk)
        return Response(self.get_serializer(incident).data, status=status_code)

    def create(self, request):
        _engagement_of_body(request)
        data = dict(_valid(serializers.IncidentLogSerializer, request))
        engagement = access.get_engagement_or_404(request.user, data.pop("engagement"))
        persons = data.pop("persons_implicated", [])
        with services.audit_context(**_via(request)):
            incident = incident_services.incident_log(engagement=engagement, by=request.user, data=data, persons=persons)
        return self._answer(incident.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        incident = self.get_object()
        data = dict(_valid(serializers.IncidentInputSerializer, request, partial=True))
        persons = data.pop("persons_implicated", None)
        with services.audit_context(**_via(request)):
            incident_services.incident_update(incident=incident, by=request.user, data=data, persons=persons)
        return self._answer(incident.pk)

    serializer_class = serializers.IncidentSerializer
    selector = _selector(selectors.incidents_for)
    filterset_class = filters.IncidentFilter
    ordering_fields = ["id", "occurred_on", "logged_at"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["confidential_ids"] = access.confidential_engagement_ids(self.request.user)
        return context


@extend_schema_view(
    create=extend_schema(
        request=serializers.IndicatorEntrySerializer, responses={200: serializers.IndicatorSerializer, 403: _REFUSED},
        description=_("Enter the project manager's figures of a quarter open for entry, or change those entered."),
    ),
)
class IndicatorViewSet(_ReadOnly):
    """Action 6: quarterly indicator figures."""

    def create(self, request):
        _engagement_of_body(request)
        data = dict(_valid(serializers.IndicatorEntrySerializer, request))
        engagement = access.get_engagement_or_404(request.user, data.pop("engagement"))
        quarter, notes = parse_quarter(data.pop("quarter")), data.pop("notes", "")
        with services.audit_context(**_via(request)):
            measurement = indicators.indicator_measurement_enter(
                engagement=engagement, quarter=quarter, figures=data, notes=notes, by=request.user
            )
        return Response(self.get_serializer(selectors.indicators_for(request.user).get(pk=measurement.pk)).data)

    serializer_class = serializers.IndicatorSerializer
    selector = _selector(selectors.indicators_for)
    filterset_class = filters.IndicatorFilter
    ordering_fields = ["id", "quarter_start"]


class InterventionCaseViewSet(_ReadOnly):
    """Action 7: intervention cases."""

    serializer_class = serializers.InterventionCaseSerializer
    selector = _selector(selectors.cases_for)
    filterset_class = filters.ByEngagementFilter
    ordering_fields = ["id", "opened_at"]


@extend_schema_view(
    pdf=extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: _REFUSED},
        description=_("The stored PDF of an issued letter: the very bytes whose SHA-256 the letter records."),
    )
)
class LetterViewSet(_ReadOnly):
    """Letters: their metadata, and the stored PDF of those issued."""

    serializer_class = serializers.LetterSerializer
    selector = _selector(selectors.letters_for)
    filterset_class = filters.LetterFilter
    ordering_fields = ["id", "created_at", "issued_at", "letter_date"]

    @action(detail=True, methods=["get"], filter_backends=[], filterset_class=None)
    def pdf(self, request, pk=None):
        letter = self.get_object()
        if not letter.is_issued or not letter.pdf:
            raise Http404(_("No PDF is stored for this letter."))
        try:
            content = letters.letter_stored_pdf(letter=letter)
        except letters.LetterRefused as exc:
            # The stored file does not match its fingerprint: not served (logged by the service).
            return Response({"error": {"code": "pdf_mismatch", "message": str(exc)}}, status=status.HTTP_409_CONFLICT)
        return pdf_response(content, filename=f"{letter.reference}.pdf", inline=False, sha256=letter.sha256)


class NotificationViewSet(_ReadOnly):
    """The user's own notifications."""

    serializer_class = serializers.NotificationSerializer
    selector = _selector(selectors.notifications_for)
    filterset_class = filters.NotificationFilter
    ordering_fields = ["id", "created_at"]


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a 404 in the API's JSON shape."""
    from django.http import JsonResponse

    return JsonResponse({"error": {"code": "not_found", "message": _("Not found.")}}, status=404)
