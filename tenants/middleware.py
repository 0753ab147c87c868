"""Routes each request to its tenant's schema by hostname (cached), and refuses to
serve resellers that are suspended (503), closed or not yet provisioned (404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from tenants import routing
from tenants.context import activate_public_schema
from tenants.models import Tenant


def _answer(
    request: HttpRequest, status: int, template: str, title: str, context: dict[str, Any]
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"type": "about:blank", "title": title, "status": status},
            status=status,
            content_type="application/problem+json",
        )
    body = render_to_string(template, context, request=None)
    response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = "3600"
    return response


class TenantRoutingMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model: Any, hostname: str) -> Tenant:
        tenant = routing.tenant_for_hostname(hostname)
        if tenant is None:
            raise domain_model.DoesNotExist(hostname)
        return tenant

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        return _answer(request, 404, "tenants/unknown_host.html", "Unknown host", {"hostname": hostname})

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        response = super().process_request(request)
        if response is not None:
            return response
        tenant: Tenant = request.tenant  # type: ignore[attr-defined]
        if tenant.is_public or tenant.serves_storefront:
            return None
        # Never run a view for these: a closed reseller's schema no longer exists, and
        # a search_path naming a missing schema silently falls through to public.
        activate_public_schema()
        if tenant.status == Tenant.Status.SUSPENDED:
            return _answer(
                request, 503, "tenants/suspended.html", "Temporarily unavailable", {"name": tenant.name}
            )
        return _answer(
            request, 404, "tenants/unknown_host.html", "Unknown host", {"hostname": tenant.domain_url}
        )
