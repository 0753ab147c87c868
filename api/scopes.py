"""What an API key may do: scopes, and the team permission a signed-in member needs for each.

A key carries scopes; a back-office session carries a role. One table maps both, so the
API grants a session exactly what the member's role allows on the pages.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from ticketing.team.roles import Permission


class Scope(StrEnum):
    EVENTS_READ = "events:read"
    EVENTS_WRITE = "events:write"
    ORDERS_READ = "orders:read"
    ORDERS_WRITE = "orders:write"
    CHECKINS_READ = "checkins:read"
    CHECKINS_WRITE = "checkins:write"
    CUSTOMERS_READ = "customers:read"
    REPORTS_READ = "reports:read"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"


class PlatformScope(StrEnum):
    """Scopes of platform keys (public schema, platform admins only)."""

    PLATFORM_READ = "platform:read"
    PLATFORM_WRITE = "platform:write"


SCOPE_LABELS: dict[str, Any] = {
    Scope.EVENTS_READ: _("Read events, ticket types and availability"),
    Scope.EVENTS_WRITE: _("Create and change events and ticket types"),
    Scope.ORDERS_READ: _("Read orders and tickets"),
    Scope.ORDERS_WRITE: _("Create, cancel and refund orders"),
    Scope.CHECKINS_READ: _("Read check-ins"),
    Scope.CHECKINS_WRITE: _("Check tickets in"),
    Scope.CUSTOMERS_READ: _("Read customers (buyers by e-mail)"),
    Scope.REPORTS_READ: _("Read and request reports"),
    Scope.WEBHOOKS_READ: _("Read webhook endpoints and deliveries"),
    Scope.WEBHOOKS_WRITE: _("Add, change and test webhook endpoints; redeliver"),
    PlatformScope.PLATFORM_READ: _("Read resellers, plans and domains"),
    PlatformScope.PLATFORM_WRITE: _("Provision, suspend and resume resellers; add domains"),
}

# None: any team member may (reading the catalog).
SESSION_PERMISSION: dict[Scope, Permission | None] = {
    Scope.EVENTS_READ: None,
    Scope.EVENTS_WRITE: Permission.MANAGE_CATALOG,
    Scope.ORDERS_READ: Permission.VIEW_ORDERS,
    Scope.ORDERS_WRITE: Permission.MANAGE_ORDERS,
    Scope.CHECKINS_READ: Permission.SCAN,
    Scope.CHECKINS_WRITE: Permission.SCAN,
    Scope.CUSTOMERS_READ: Permission.VIEW_ORDERS,
    Scope.REPORTS_READ: Permission.VIEW_REPORTS,
    Scope.WEBHOOKS_READ: Permission.MANAGE_WEBHOOKS,
    Scope.WEBHOOKS_WRITE: Permission.MANAGE_WEBHOOKS,
}
