from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Domain, Tenant
from tenants.services import resume_tenant, suspend_tenant
from tests.conftest import client_for
from ticketing.catalog.models import Event


def test_each_reseller_host_shows_its_own_storefront(acme_client: Client, bravo_client: Client) -> None:
    acme_page = acme_client.get("/").content.decode()
    bravo_page = bravo_client.get("/").content.decode()

    assert "Acme Live" in acme_page and "Acme Jazz Night" in acme_page
    assert "Bravo" not in acme_page
    assert "Bravo Tickets" in bravo_page and "Bravo Sommerfest" in bravo_page
    assert "Acme" not in bravo_page


def test_unknown_host_gets_a_clear_404_page(db: None) -> None:
    response = client_for("nobody.localhost").get("/")

    assert response.status_code == 404
    assert "There is no ticket shop at this address" in response.content.decode()
    assert "nobody.localhost" in response.content.decode()


def test_platform_host_serves_the_platform_console(platform_client: Client) -> None:
    response = platform_client.get("/admin/login/")

    assert response.status_code == 200
    assert "Ticket platform console" in response.content.decode()
    assert client_for("acme.localhost").get("/admin/login/").status_code == 404


def test_routing_lookup_is_cached_after_the_first_request(acme_client: Client) -> None:
    acme_client.get("/")  # warms the cache
    with CaptureQueriesContext(connection) as queries:
        acme_client.get("/")

    assert not [query for query in queries if "tenants_domain" in query["sql"]]


def test_suspending_takes_effect_at_once_despite_the_cache(acme: Tenant, acme_client: Client) -> None:
    assert acme_client.get("/").status_code == 200  # cached as active

    suspend_tenant(tenant=acme, actor=None, reason="unpaid invoice")
    page = acme_client.get("/")
    api = acme_client.get("/api/v1/events/")

    assert page.status_code == 503 and "temporarily unavailable" in page.content.decode()
    assert page["Retry-After"]
    assert api.status_code == 503 and api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 503

    resume_tenant(tenant=acme, actor=None)
    assert acme_client.get("/").status_code == 200
    assert Tenant.objects.get(pk=acme.pk).status == Tenant.Status.TRIAL  # back to what it was


def test_moving_a_hostname_invalidates_its_cached_route(acme: Tenant, bravo: Tenant) -> None:
    Domain.objects.create(tenant=acme, domain="tickets.acme.example", is_primary=False)
    client = client_for("tickets.acme.example")
    assert "Acme Live" in client.get("/").content.decode()

    domain = Domain.objects.get(domain="tickets.acme.example")
    domain.tenant = bravo
    domain.save()

    assert "Bravo Tickets" in client.get("/").content.decode()


def _tenant_urls(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver("controlplane.urls_tenant")
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += _tenant_urls(pattern, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def test_an_object_created_in_acme_is_unreachable_from_bravos_host_by_any_url(
    acme_client: Client, bravo_client: Client
) -> None:
    with schema_context("acme"):
        start = timezone.now() + timedelta(days=3)
        secret = Event.objects.create(
            name="Acme Secret Gala",
            slug="secret-gala",
            status=Event.Status.PUBLISHED,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
    values = {"slug": secret.slug, "pk": str(secret.pk), "id": str(secret.pk), "code": secret.slug}

    tried = 0
    for route, _pattern in _tenant_urls():
        path = "/" + route
        for name, value in values.items():
            path = (
                path.replace(f"<slug:{name}>", value)
                .replace(f"<int:{name}>", value)
                .replace(f"<{name}>", value)
            )
        if "<" in path:
            continue  # a parameter this object has no value for
        tried += 1
        assert "Acme Secret Gala" not in bravo_client.get(path).content.decode(), path

    assert tried >= 2
    assert "Acme Secret Gala" in acme_client.get(f"/events/{secret.slug}/").content.decode()
    assert bravo_client.get(f"/events/{secret.slug}/").status_code == 404


@pytest.mark.django_db
def test_cache_keys_are_prefixed_by_schema() -> None:
    from django.core.cache import cache

    with schema_context("acme"):
        cache.set("greeting", "hello from acme")
    with schema_context("bravo"):
        assert cache.get("greeting") is None
    with schema_context("acme"):
        assert cache.get("greeting") == "hello from acme"


def test_prepared_statements_read_the_schema_of_the_tenant_in_use(acme: Tenant, bravo: Tenant) -> None:
    # With DATABASE_PREPARE_THRESHOLD set, the connection prepares a statement once it has run a
    # few times; the same prepared statement must then read whichever schema search_path names.
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.prepare_threshold
    raw.prepare_threshold = 2

    def names_read_in(tenant: Tenant) -> set[str]:
        with schema_context(tenant.schema_name):
            return {name for _ in range(4) for name in Event.objects.values_list("name", flat=True)}

    try:
        rounds = [(names_read_in(acme), names_read_in(bravo)) for _ in range(2)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            (prepared,) = cursor.fetchone()
    finally:
        raw.prepare_threshold = previous

    assert prepared > 0
    for acme_names, bravo_names in rounds:
        assert "Acme Jazz Night" in acme_names and "Bravo Sommerfest" not in acme_names
        assert "Bravo Sommerfest" in bravo_names and "Acme Jazz Night" not in bravo_names


def test_the_unknown_host_page_speaks_the_visitors_language(db: None) -> None:
    response = client_for("nobody.localhost").get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    page = response.content.decode()
    assert response.status_code == 404 and response["Content-Language"] == "fr"
    assert '<html lang="fr">' in page and "Il n'y a pas de billetterie à cette adresse" in page
    assert "Aucune boutique n'est configurée pour nobody.localhost." in page
    assert "Accept-Language" in response["Vary"]


def test_the_suspended_page_falls_back_to_the_shops_language(bravo: Tenant) -> None:
    suspend_tenant(tenant=bravo, actor=None, reason="unpaid invoice")

    german = client_for("bravo.localhost").get("/")
    arabic = client_for("bravo.localhost").get("/", HTTP_ACCEPT_LANGUAGE="ar")

    assert german.status_code == 503 and german["Content-Language"] == "de"
    assert "Dieser Ticketshop ist vorübergehend nicht verfügbar" in german.content.decode()
    assert arabic["Content-Language"] == "ar" and 'dir="rtl"' in arabic.content.decode()
    assert "متجر التذاكر هذا غير متاح مؤقتًا" in arabic.content.decode()


def _search_path_statements(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SET search_path")]


def test_search_path_is_set_only_when_a_request_changes_the_schema(
    acme_client: Client, bravo_client: Client
) -> None:
    bravo_client.get("/")  # routes cached: what follows queries the shops' schemas only
    acme_client.get("/")
    with CaptureQueriesContext(connection) as same_shop:
        acme_client.get("/")
    with CaptureQueriesContext(connection) as other_shop:
        bravo_client.get("/")

    assert _search_path_statements(same_shop) == []
    assert _search_path_statements(other_shop) == ['SET search_path = "bravo","public"']


def test_search_path_is_set_again_after_a_rollback_undid_it(acme: Tenant, bravo: Tenant) -> None:
    def current_schema() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            return str(cursor.fetchone()[0])

    connection.set_tenant(acme)  # type: ignore[attr-defined]
    assert current_schema() == "acme"
    with contextlib.suppress(RuntimeError), transaction.atomic():
        connection.set_tenant(bravo)  # type: ignore[attr-defined]
        assert current_schema() == "bravo"
        raise RuntimeError  # the rollback to the savepoint undoes the SET as well

    connection.set_tenant(bravo)  # type: ignore[attr-defined]
    assert current_schema() == "bravo"
    connection.set_tenant(acme)  # type: ignore[attr-defined]
    assert current_schema() == "acme"
