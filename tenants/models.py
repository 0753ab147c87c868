"""Resellers (tenants), their hostnames, the schema pool and the control-plane audit trail.

Everything here lives in the public schema. Each reseller owns one PostgreSQL
schema named by its slug; spare, fully migrated schemas wait as POOLED rows so
that provisioning is a rename instead of a migrate.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """A reseller: one branded ticket shop, one schema."""

    class Status(models.TextChoices):
        POOLED = "pooled", "Pooled (spare schema)"
        TRIAL = "trial", "Trial"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.TRIAL, db_index=True)
    plan = models.ForeignKey(
        "billing.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="tenants"
    )
    default_language = models.CharField(max_length=10, default="en")
    default_currency = models.CharField(max_length=3, default="EUR")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are created by provisioning (from the pool, or migrated on demand)
    # and dropped only by closing, after a dump.
    auto_create_schema = True

    # Not a column: set on the copy a cached route holds (tenants.routing, tenants.near_cache).
    route_token: str | None = None
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_currency__regex=r"^[A-Z]{3}$"), name="tenant_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.schema_name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @property
    def serves_storefront(self) -> bool:
        return self.status in (self.Status.TRIAL, self.Status.ACTIVE)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status == self.Status.CLOSED and not self._state.adding:
            # A closed reseller's schema was dropped on purpose; TenantMixin.save() would
            # build a fresh one for a name that no longer exists.
            models.Model.save(self, *args, **kwargs)
        else:
            super().save(*args, **kwargs)
        # Whoever changes a tenant (service, console, shell), its cached routes must go.
        from tenants import routing

        routing.forget_tenant(self)


class Domain(DomainMixin):
    """A hostname routed to a tenant; each tenant has exactly one primary."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_primary=True), name="one_primary_domain_per_tenant"
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Domain:
        instance = super().from_db(db, field_names, values)
        instance._loaded_hostname = instance.domain
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._forget_routes()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._forget_routes()
        return super().delete(*args, **kwargs)

    def _forget_routes(self) -> None:
        from tenants import routing

        routing.forget_hostnames({self.domain, getattr(self, "_loaded_hostname", None) or self.domain})


class AuditEntry(models.Model):
    """Who did what to which reseller, on the control plane. Append-only."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
