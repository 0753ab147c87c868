"""Test set-up shared by the whole suite.

Tenants are created once per session (schemas are expensive) and every test runs in
a transaction that is rolled back. Tests that need real commits (other connections,
worker threads, pg_dump) use the ``committed`` fixture, which removes what they made.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from tenants import pool
from tenants.context import activate_public_schema
from tenants.models import Domain, Tenant
from tenants.services import ensure_platform_tenant, provision_tenant

# Stripe stand-ins (localstripe, the Stripe-shaped stub) for every test package.
pytest_plugins = ["tests.stripe_server"]

PLATFORM_HOST = "localhost"
SESSION_TENANTS = {
    "acme": {"name": "Acme Live", "currency": "USD", "language": "en", "event": "Acme Jazz Night"},
    "bravo": {"name": "Bravo Tickets", "currency": "EUR", "language": "de", "event": "Bravo Sommerfest"},
}
SESSION_POOL_SIZE = 2


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """Create the test database for every run, whichever tests were selected.

    pytest-django creates it only when a selected test asks for ``db``; tests that
    use ``committed`` alone would otherwise run against the development database.
    """
    from django.test.utils import setup_databases, teardown_databases

    from ticketing.catalog.models import Event

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases = setup_databases(
            verbosity=verbosity, interactive=False, keepdb=django_db_keepdb, aliases={"default": {}}
        )
        assert connection.settings_dict["NAME"].startswith("test_")
        ensure_platform_tenant(hostnames=[PLATFORM_HOST])
        for slug, spec in SESSION_TENANTS.items():
            provision_tenant(
                name=spec["name"],
                slug=slug,
                owner_email=f"owner@{slug}.example",
                default_currency=spec["currency"],
                default_language=spec["language"],
            )
            with schema_context(slug):
                start = timezone.now() + timedelta(days=30)
                Event.objects.create(
                    name=spec["event"],
                    slug="opening-night",
                    status=Event.Status.PUBLISHED,
                    starts_at=start,
                    ends_at=start + timedelta(hours=3),
                )
        pool.top_up(SESSION_POOL_SIZE)
    yield
    # Worker threads (Celery, Channels) keep connections of their own; close them so
    # the test database can be dropped.
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        if not django_db_keepdb:
            teardown_databases(databases, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _public_schema_and_fresh_caches() -> Iterator[None]:
    """Each test starts on the public schema, in the default language, with empty caches (routes, themes).

    A request through the test client leaves its negotiated language active in the thread.
    """
    activate_public_schema()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    activate_public_schema()
    translation.activate(settings.LANGUAGE_CODE)
    for alias in ("default", "routing"):
        caches[alias].clear()


@pytest.fixture
def acme(db: None) -> Tenant:
    return Tenant.objects.get(schema_name="acme")


@pytest.fixture
def bravo(db: None) -> Tenant:
    return Tenant.objects.get(schema_name="bravo")


def client_for(hostname: str) -> Client:
    return Client(HTTP_HOST=hostname)


@pytest.fixture
def acme_client(acme: Tenant) -> Client:
    return client_for("acme.localhost")


@pytest.fixture
def bravo_client(bravo: Tenant) -> Client:
    return client_for("bravo.localhost")


@pytest.fixture
def platform_client(db: None) -> Client:
    return client_for(PLATFORM_HOST)


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """Real commits, for tests that need other connections to see their data.

    Whatever tenants the test adds are closed down again (schemas dropped, rows
    deleted), and the spare-schema pool is refilled to its session size.
    """
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        before = set(Tenant.objects.values_list("pk", flat=True))
        try:
            yield
        finally:
            activate_public_schema()
            for tenant in Tenant.objects.exclude(pk__in=before):
                Domain.objects.filter(tenant=tenant).delete()
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
                tenant.delete()
            pool.top_up(SESSION_POOL_SIZE)
