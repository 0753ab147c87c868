"""The reseller whose schema is active, for billing code called from inside a shop's request."""

from __future__ import annotations

from tenants.context import current_schema_name
from tenants.models import Tenant


def current_reseller() -> Tenant:
    """The Tenant row of the active schema (schema_context sets a stand-in, so look it up)."""
    tenant = Tenant.objects.select_related("plan").filter(schema_name=current_schema_name()).first()
    if tenant is None or tenant.is_public:
        raise RuntimeError("No reseller's schema is active.")
    return tenant
