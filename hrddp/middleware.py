"""Sessions end after a spell of inactivity and after a fixed lifetime; every response carries the
headers that keep case data out of caches and the browser's features out of reach."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

_STARTED = "hrddp_session_started"
_SEEN = "hrddp_session_seen"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(_STARTED, now)
            seen = request.session.get(_SEEN, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if now - seen > idle or now - started > absolute:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            request.session[_SEEN] = now
        return self.get_response(request)


# No page of the app uses these browser features; a page that is ever injected with script cannot either.
# Security keys and passkeys (WebAuthn) are the app's own, and only for itself.
PERMISSIONS_POLICY = ", ".join(
    [
        f"{feature}=()"
        for feature in (
            "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
            "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
            "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
        )
    ]
    + ["publickey-credentials-get=(self)", "publickey-credentials-create=(self)"]
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on everything a signed-in user is
    sent, since nearly every page, export and PDF names incidents, persons or letters, and a shared or
    field-office computer must not keep them in its cache (nor a proxy on the way)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/admin/"):
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "private, no-store"
        return response
