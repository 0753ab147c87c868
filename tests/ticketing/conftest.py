"""Ticketing fixtures: tests run inside the acme reseller's schema (USD) unless they say otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from tenants.models import Tenant


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    """The test body runs in acme's schema, as a request on acme.localhost would."""
    with tenant_context(acme):
        yield acme


@pytest.fixture
def in_bravo(bravo: Tenant) -> Iterator[Tenant]:
    with tenant_context(bravo):
        yield bravo
