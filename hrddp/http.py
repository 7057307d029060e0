"""Small helpers for requests and responses that every app's views share."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, url: str | None) -> str | None:
    """`url` if it points into this site, else None: a `next=` parameter must never send a user elsewhere
    (`//evil.example`, `https://evil.example`, `javascript:`)."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return None
