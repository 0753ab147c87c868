"""Scheduled (beat) work runs in the public schema and visits each serving reseller in turn."""

from __future__ import annotations

from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from tenants.models import Tenant


def shops() -> QuerySet[Tenant]:
    """Resellers whose schemas hold live shops (not the platform, pooled, suspended or closed ones)."""
    return Tenant.objects.filter(status__in=[Tenant.Status.TRIAL, Tenant.Status.ACTIVE]).exclude(
        schema_name=get_public_schema_name()
    )
