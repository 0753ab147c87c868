"""Every API error as RFC 9457 problem details (application/problem+json).

One handler for the whole API: a service's DomainError keeps its code, status and field;
DRF's validation errors list their fields under ``errors``; 401/403/404/405/429 get the
same shape. Nothing else answers an API error.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

from core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "rate_limited",
}


# Services leave most refusals at 400; the API tells a client apart what it must fix in its
# request (400) from what conflicts with the current state of things (409) or is worth a retry.
CONFLICT_CODES = frozenset(
    {
        "status_conflict",  # orders, catalog
        "sold_out",
        "hold_expired",
        "hold_not_active",
        "event_cancelled",
        "event_not_on_sale",
        "not_on_sale",
        "price_mismatch",
        "slug_taken",
        "hostname_taken",
        "code_exhausted",
        "capacity_below_sold",
        "nothing_to_refund",
        "not_yet_valid",  # a ticket scanned before its entry window
        "expired",
    }
)
RETRY_CODES = {"busy": 2}  # seconds


def domain_problem(error: DomainError) -> tuple[dict[str, Any], dict[str, str]]:
    body = error.as_problem()
    headers: dict[str, str] = {}
    if body["status"] == 400 and error.code in CONFLICT_CODES:
        body["status"] = 409
    if error.code in RETRY_CODES:
        body["status"] = 503 if body["status"] == 400 else body["status"]
        headers["Retry-After"] = str(RETRY_CODES[error.code])
    return body, headers


def problem_body(status: int, title: str, code: str | None = None, **extra: Any) -> dict[str, Any]:
    code = code or _CODES.get(status, "error")
    return {"type": f"about:blank#{code}", "title": title, "status": status, "code": code, **extra}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(detail: Any) -> Any:
    """DRF's error detail as plain strings, nested as the input was."""
    if isinstance(detail, dict):
        return {str(key): _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return problem_response(*domain_problem(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling (and its logging) takes over
    headers: dict[str, str] = {}
    status = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        body = problem_body(400, "The request has invalid fields.", "validation_error", errors=errors)
        return problem_response(body)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        status = 401
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    code = _CODES.get(status) if status != 400 else getattr(exc, "default_code", "invalid")
    return problem_response(problem_body(status, str(detail), code), headers)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that names no endpoint."""
    return JsonResponse(problem_body(404, "No such endpoint."), status=404, content_type=PROBLEM_CONTENT_TYPE)
