"""/api/: the versioned endpoints under v1/, the OpenAPI schema, its documentation page, and the tokens page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views, views_tokens

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("offices", views.OfficeViewSet, basename="api-office")
router.register("recipients", views.RecipientViewSet, basename="api-recipient")
router.register("projects", views.ProjectViewSet, basename="api-project")
router.register("engagements", views.EngagementViewSet, basename="api-engagement")
router.register("activities", views.ActivityViewSet, basename="api-activity")
router.register("screenings", views.ScreeningViewSet, basename="api-screening")
router.register("preconditions", views.PreconditionsViewSet, basename="api-preconditions")
router.register("coordination", views.CoordinationViewSet, basename="api-coordination")
router.register("risk-assessments", views.RiskAssessmentViewSet, basename="api-risk-assessment")
router.register("mitigation-plans", views.MitigationPlanViewSet, basename="api-mitigation-plan")
router.register("measures", views.MeasureViewSet, basename="api-measure")
router.register("incidents", views.IncidentViewSet, basename="api-incident")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")
router.register("intervention-cases", views.InterventionCaseViewSet, basename="api-intervention-case")
router.register("letters", views.LetterViewSet, basename="api-letter")
router.register("notifications", views.NotificationViewSet, basename="api-notification")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"), name="api-docs"),
    path("tokens/", views_tokens.token_list, name="api_tokens"),
    path("tokens/<int:token_pk>/revoke/", views_tokens.token_revoke, name="api_token_revoke"),
    # Anything else under /api/ is a JSON 404, like a missing record, not the pages' HTML one.
    re_path(r"^", views.not_found),
]
