"""Routes each request to its tenant's schema by hostname (cached), and refuses to
serve resellers that are suspended (503), closed or not yet provisioned (404)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_tenants.middleware.main import TenantMainMiddleware

from tenants import routing
from tenants.context import activate_public_schema
from tenants.models import Tenant
from tenants.selectors import serves_hostname


def _reader_language(request: HttpRequest, fallback: str = "") -> str:
    """The language cookie, then Accept-Language, then ``fallback`` (a shop's default language),
    as on the shops' own pages (these answers come before the locale middleware runs)."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.headers.get("Accept-Language"):
        return translation.get_language_from_request(request)
    try:
        return translation.get_supported_language_variant(fallback or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _answer(
    request: HttpRequest,
    status: int,
    template: str,
    title: str,
    context: dict[str, Any],
    *,
    language: str = "",
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"type": "about:blank", "title": title, "status": status},
            status=status,
            content_type="application/problem+json",
        )
    language = _reader_language(request, language)
    with translation.override(language):
        body = render_to_string(template, context, request=None)
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
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
        if request.path == settings.TLS_ASK_PATH:
            activate_public_schema()
            return allowed_hostname_answer(request)
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
                request, 503, "tenants/suspended.html", "Temporarily unavailable", {"name": tenant.name},
                language=tenant.default_language,
            )  # fmt: skip
        return _answer(
            request, 404, "tenants/unknown_host.html", "Unknown host", {"hostname": tenant.domain_url},
            language=tenant.default_language,
        )  # fmt: skip


def allowed_hostname_answer(request: HttpRequest) -> HttpResponse:
    """The TLS proxy's question before it gets a certificate on demand (Caddy's ``on_demand_tls ask``):
    200 for a hostname an open shop is routed on, 404 for any other. It is asked on the proxy's own
    address, so it is answered here, before routing by hostname."""
    hostname = request.GET.get("domain", "").strip().lower().rstrip(".")
    if hostname and serves_hostname(hostname):
        return HttpResponse("ok", content_type="text/plain")
    return HttpResponse("unknown hostname", status=404, content_type="text/plain")
