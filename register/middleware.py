"""Who is asking, for the register's alerts: a command period saved by a page (the administration, the register's
own pages) fires a signal that names no one, yet the audit entry of the alert it raises names who caused it."""

from register.alerts import acting_user


class ActingUserMiddleware:
    """Keep the signed-in user of the request for the writes it makes (register.alerts.acting_user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = acting_user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            acting_user.reset(token)
