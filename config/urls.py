from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from hrddp import views
from monitoring.urls_indicators import portfolio_urlpatterns
from portfolio import views as portfolio_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="engagement_list", permanent=False)),
    path("engagements/", portfolio_views.engagement_list, name="engagement_list"),
    path("engagements/new/", views.engagement_open, name="engagement_open"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/history/", views.engagement_history, name="engagement_history"),
    path("engagements/<int:pk>/steps/<slug:name>/", views.engagement_transition, name="engagement_transition"),
    # The Action pages of one engagement, by app.
    path("engagements/<int:pk>/", include("assessments.urls")),
    path("engagements/<int:pk>/", include("assessments.urls_risk")),
    path("engagements/<int:pk>/", include("mitigation.urls")),
    path("engagements/<int:pk>/", include("interventions.urls")),
    path("engagements/<int:pk>/", include("interventions.urls_exclusions")),
    path("engagements/<int:pk>/", include("interventions.urls_cases")),
    path("recipients/", include("register.urls")),
    path("recipients/", include("register.urls_persons")),
    path("engagements/<int:pk>/", include("register.urls_screening")),
    path("engagements/<int:pk>/", include("register.urls_rules")),
    path("engagements/<int:pk>/", include("monitoring.urls")),
    path("engagements/<int:pk>/", include("monitoring.urls_indicators")),
    path("engagements/<int:pk>/", include("evidence.urls")),
    path("engagements/<int:pk>/", include("discussion.urls")),
    path("search/", include("discussion.urls_search")),
    path("reports/portfolio/period/", include("portfolio.urls_period")),
    path("reports/portfolio/", include(portfolio_urlpatterns)),
    path("", include("portfolio.urls")),
    path("imports/", include("imports.urls")),
    path("inbox/", views.inbox, name="inbox"),
    path("help/", views.help_page, name="help"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("accounts.urls")),
    # The administration signs in through the app's own page, second factor included.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True, permanent=False)),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
