"""The API's limits: calls per token, the page size, and the one shape of every error.

Request bodies are capped by Django itself (DATA_UPLOAD_MAX_MEMORY_SIZE, config/settings.py): a larger body
is refused before any view reads it, and the refusal takes the same JSON shape.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, status, throttling
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.models import ApiToken


class PerTokenThrottle(throttling.SimpleRateThrottle):
    """API_RATE calls per token (or per signed-in user, for the browser session), counted in Django's cache.

    Keyed by the token, not the user: one runaway script is slowed without stopping its user's other tokens."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class Pages(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    body["error"].update(extra)
    return body


def _message(detail) -> str:
    if isinstance(detail, list | tuple):
        return " ".join(_message(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(_message(d) for d in detail.values())
    return str(detail)


def errors_as_json(exc, context):
    """Every error as {"error": {"code", "message", "fields"?, ...}}: the services' refusals (Django's
    ValidationError, PermissionDenied, Http404) as DRF's own."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        return Response(
            _body("request_too_large", _("The request body is larger than the API accepts.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's own handling (logged, 500)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
        response.data = _body("invalid", _("The request has errors; see the fields."), fields)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        response.data = _body(code, _message(getattr(exc, "detail", str(exc))))
    return response
