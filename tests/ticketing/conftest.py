"""Ticketing fixtures: tests run inside the acme reseller's schema (USD) unless they say otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from tenants.models import Tenant


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    """The test body runs in acme's schema, as a request on acme.localhost would."""
    connection.set_tenant(acme)
    yield acme
    connection.set_schema_to_public()


@pytest.fixture
def in_bravo(bravo: Tenant) -> Iterator[Tenant]:
    connection.set_tenant(bravo)
    yield bravo
    connection.set_schema_to_public()
