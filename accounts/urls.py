from allauth.account import views as allauth_views
from allauth.socialaccount import views as social_views
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # The same page under allauth's name, which its own pages link to.
    path("login/", views.SignInView.as_view(), name="account_login"),
    path("profile/", views.profile, name="account_profile"),
    path("sessions/<int:session_id>/end/", views.session_end, name="account_session_end"),
    path("reauthenticate/resume/", views.reauthenticate_resume, name="reauthenticate_resume"),
    # Re-authentication by password (allauth's page; it links the second-factor one).
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
    # Single sign-on (OpenID Connect), working once OIDC_ISSUER is set: /accounts/oidc/sso/login/ and its
    # callback /accounts/oidc/sso/login/callback/, the address to register at the identity provider.
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("sso/error/", social_views.login_error, name="socialaccount_login_error"),
    path("sso/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
]

# allauth's pages link signing out by its own name; the app's sign-out is Django's (config.urls).
urlpatterns += [path("logout/", auth_views.LogoutView.as_view(), name="account_logout")]
