"""The current schema of the tenant-aware database connection, typed.

django-tenants adds these attributes to the connection at run time; the stubs do not
know them, so code asks here instead of repeating type-ignores.
"""

from __future__ import annotations

from django.db import connection

from tenants.models import Tenant


def current_schema_name() -> str:
    return connection.schema_name  # type: ignore[attr-defined]


def activate_public_schema() -> None:
    connection.set_schema_to_public()  # type: ignore[attr-defined]


def current_tenant() -> Tenant:
    """The tenant whose schema the connection is on (set by the middleware, tenant_context, tasks).

    ``schema_context()`` leaves only a stand-in with the schema name on the connection; the
    tenant row is read then, so callers always get its language, currency and plan.
    """
    tenant = connection.tenant  # type: ignore[attr-defined]
    if isinstance(tenant, Tenant):
        return tenant
    return Tenant.objects.get(schema_name=current_schema_name())
