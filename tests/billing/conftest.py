"""Billing fixtures: the acme reseller (USD) on the growth plan, its schema active where sales are made."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from tests.billing.deliveries import _webhook_secrets  # noqa: F401 - autouse for billing tests
from tests.billing.factories import put_on_plan


@pytest.fixture
def acme_on_growth(acme: Tenant) -> Tenant:
    return put_on_plan(acme, "growth")


@pytest.fixture
def in_acme(acme_on_growth: Tenant) -> Iterator[Tenant]:
    """The test body runs in acme's schema, as an order service on acme.localhost would."""
    with tenant_context(acme_on_growth):
        yield acme_on_growth
