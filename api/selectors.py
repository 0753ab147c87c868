"""API reads on the hot path, cached briefly: a key's grant and the reseller's plan terms.

Every API request needs both; neither may cost a query per request. A key's grant is
cached for API_KEY_CACHE_SECONDS (revoking drops it at once, in every web process:
tenants.near_cache); plan terms for a minute. The default cache's keys carry the
schema name (django-tenants' key function), so one reseller's entries are never another's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from api.models import ApiKey
from api.services import grant_cache_key
from billing import entitlements
from billing.models import Plan
from tenants.models import Tenant
from tenants.near_cache import near_cache

_MISSING = "missing"
PLAN_TERMS_SECONDS = 60


@dataclass(frozen=True)
class KeyGrant:
    """What a key may do, as cached: never the key itself, only its hash."""

    key_id: int
    prefix: str
    name: str
    secret_hash: str
    scopes: frozenset[str]
    holder_id: int | None
    revoked: bool


def key_grant(prefix: str) -> KeyGrant | None:
    cache_key = grant_cache_key(prefix)
    cached = near_cache.get(cache_key, settings.API_KEY_CACHE_SECONDS)
    if cached == _MISSING:
        return None
    if isinstance(cached, KeyGrant):
        return cached
    key = ApiKey.objects.filter(prefix=prefix).first()
    if key is None:
        near_cache.set(cache_key, _MISSING, settings.API_KEY_CACHE_SECONDS)
        return None
    grant = KeyGrant(
        key_id=key.pk,
        prefix=key.prefix,
        name=key.name,
        secret_hash=key.secret_hash,
        scopes=frozenset(key.scopes),
        holder_id=key.created_by_id,
        revoked=key.revoked_at is not None,
    )
    near_cache.set(cache_key, grant, settings.API_KEY_CACHE_SECONDS)
    return grant


@dataclass(frozen=True)
class PlanTerms:
    """What the reseller's plan says about the API: whether it is included, and rate limits."""

    api_allowed: bool
    per_key_per_minute: int
    per_ip_per_minute: int


def _limit(plan: Plan | None, name: str, default: int) -> int:
    value = (plan.limits if plan is not None else {}).get(name)
    return default if value is None else int(value)


def plan_terms(tenant: Tenant) -> PlanTerms:
    """The API terms of ``tenant``'s plan; the platform itself has no plan and no gate."""
    if tenant.is_public:
        return PlanTerms(
            api_allowed=True,
            per_key_per_minute=settings.API_RATE_LIMIT_PER_MINUTE,
            per_ip_per_minute=settings.API_RATE_LIMIT_PER_MINUTE_PER_IP,
        )
    # Keyed by the plan: the routed tenant is re-read when its plan changes (Tenant.save drops
    # its cached routes), so a new plan applies at once; edits to a plan within a minute.
    cache_key = f"api-plan-terms:{tenant.plan_id}"
    cached = near_cache.get(cache_key, PLAN_TERMS_SECONDS)
    if isinstance(cached, PlanTerms):
        return cached
    plan = Plan.objects.filter(pk=tenant.plan_id).first() if tenant.plan_id else None
    terms = PlanTerms(
        api_allowed=plan is not None and plan.allows(str(entitlements.Feature.API)),
        per_key_per_minute=_limit(plan, "api_requests_per_minute", settings.API_RATE_LIMIT_PER_MINUTE),
        per_ip_per_minute=_limit(
            plan, "api_requests_per_minute_per_ip", settings.API_RATE_LIMIT_PER_MINUTE_PER_IP
        ),
    )
    near_cache.set(cache_key, terms, PLAN_TERMS_SECONDS)
    return terms
