"""Reads about resellers and their hostnames, shared by the console, the shops and the proxy."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from tenants.models import Domain, Tenant
from tenants.validation import default_hostname


def hostname_taken(hostname: str) -> bool:
    """Whether any reseller (or the platform) is already served on ``hostname``."""
    return Domain.objects.filter(domain=hostname).exists()


def is_platform_hostname(hostname: str) -> bool:
    """The platform's own host and every name under its base domain belong to the platform."""
    base = settings.PLATFORM_BASE_DOMAIN
    return hostname in (settings.PLATFORM_HOST, base) or hostname.endswith(f".{base}")


def domains_of(tenant: Tenant) -> QuerySet[Domain]:
    return Domain.objects.filter(tenant=tenant).order_by("-is_primary", "domain")


def custom_domain_count(tenant: Tenant) -> int:
    """How many hostnames of the reseller's own (not under the platform's base domain) are routed."""
    return sum(1 for hostname in domains_of(tenant).values_list("domain", flat=True)
               if not is_platform_hostname(hostname))  # fmt: skip


def platform_subdomain_of(tenant: Tenant) -> str:
    return default_hostname(tenant.schema_name)


def tenant_allows(tenant: Tenant, feature: str) -> bool:
    """Whether the reseller's plan, as stored now, includes ``feature`` (e.g. "custom_domains")."""
    return Tenant.objects.filter(pk=tenant.pk, plan__features__contains=[feature]).exists()


def serves_hostname(hostname: str) -> bool:
    """Whether a shop that takes orders is routed at ``hostname`` (asked before issuing a certificate)."""
    return (
        Domain.objects.filter(domain=hostname, tenant__status__in=[Tenant.Status.TRIAL, Tenant.Status.ACTIVE])
        .exclude(tenant__schema_name="public")
        .exists()
    )


def serving_tenants() -> QuerySet[Tenant]:
    """Resellers whose shops are open (trial or active), for work that visits each shop in turn."""
    return Tenant.objects.filter(status__in=[Tenant.Status.TRIAL, Tenant.Status.ACTIVE]).exclude(
        schema_name="public"
    )
