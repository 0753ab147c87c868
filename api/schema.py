"""OpenAPI additions: every operation may answer with problem details, and keys are Bearer tokens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key: `Authorization: Bearer tk_…`.",
        }


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.StaffSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "Stable error code."},
        "errors": {"type": "object", "description": "Field errors: field name → messages."},
    },
    "required": ["type", "title", "status"],
    "additionalProperties": True,
}

_STATUSES = {
    "400": "Invalid input (field errors under `errors`).",
    "401": "No valid API key or session.",
    "403": "The key lacks the scope, the role lacks the permission, or the plan lacks the API.",
    "404": "No such object in this shop.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Conflict: the object's state, or an Idempotency-Key reused or in use.",
    "415": "Unsupported media type.",
    "429": "Rate limit reached; see Retry-After.",
    "503": "The shop is suspended.",
}


IDEMPOTENT_PATHS = ("/orders/", "/cancel/", "/refund/", "/checkins/")


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for status, description in _STATUSES.items():
                responses.setdefault(status, {"description": description, "content": problem})
            if method == "post" and path.endswith(IDEMPOTENT_PATHS):
                parameters = operation.setdefault("parameters", [])
                parameters.append(
                    {
                        "in": "header",
                        "name": "Idempotency-Key",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 255},
                        "description": "Replays the first answer for 24 hours (money and inventory POSTs).",
                    }
                )
    return result
