"""The schema's additions: every operation lists the errors it may answer, in the one shape they take
(api.limits.errors_as_json), so a client and a schema checker know what to expect."""

from django.utils.translation import gettext as _

_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                "reasons": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}

_COMMON = {
    "400": _("The request has errors (the fields say which)."),
    "401": _("No token or session, or a revoked, expired or unknown token."),
    "403": _("The user's role does not allow this."),
    "404": _("Not found, or not visible to this user."),
    "413": _("The request body is larger than the API accepts."),
    "429": _("Too many calls with this token; wait and try again."),
}


def error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error shape as a component, and the errors on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in _COMMON.items():
                if code == "413" and method == "get":
                    continue
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                )
    return result
