"""OpenAPI: the token scheme, and the error answers every operation may give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["detail", "code"],
}
READ_ERRORS = {
    "400": "A parameter that cannot be read.",
    "401": "No token, or one unknown, expired or revoked.",
    "403": "The token or its user may not do this.",
    "404": "No such record.",
    "406": "Only JSON is answered.",
    "429": "Too many requests with this token: see Retry-After.",
    "503": "The database cannot be reached: see Retry-After.",
}
WRITE_ERRORS = {
    "400": "Not valid: the errors say why, per field.",
    "409": "Refused: other records depend on this one.",
    "412": "Stale: the record changed since its ETag was read.",
    "413": "The request body is too large.",
    "415": "Send JSON.",
    "428": "If-Match (the record's ETag) is required.",
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token: Authorization: Bearer odt_…",
        }


def add_errors(result, generator, request, public):
    """Postprocessing hook: the ApiError schema and every operation's error answers."""
    result.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = ERROR
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            errors = dict(READ_ERRORS)
            if method in ("post", "put", "patch", "delete"):
                errors.update(WRITE_ERRORS)
            responses = operation.setdefault("responses", {})
            for code, text in errors.items():
                responses.setdefault(code, {"description": text, "content": ref})
    return result
