from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from accounts.models import User
from tenants import pool, services
from tenants.errors import TenantError, TenantErrorCode
from tenants.models import AuditEntry, Domain, Tenant
from tenants.services import provision_tenant


def schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def snapshot() -> tuple[set[str], list[tuple[str, str]], list[str], int]:
    tenants = sorted(Tenant.objects.values_list("schema_name", "status"))
    return (
        schema_names(),
        tenants,
        sorted(Domain.objects.values_list("domain", flat=True)),
        AuditEntry.objects.count(),
    )


def provision(**overrides: str) -> services.ProvisionedTenant:
    arguments = {"name": "Carol Concerts", "slug": "carol", "owner_email": "Owner@Carol.example"}
    arguments.update(overrides)
    return provision_tenant(**arguments)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_provisioning_claims_a_pooled_schema_and_creates_tenant_domain_and_owner() -> None:
    pooled_before = set(
        Tenant.objects.filter(status=Tenant.Status.POOLED).values_list("schema_name", flat=True)
    )

    result = provision(plan_code="growth", default_currency="CHF", default_language="fr", country="ch")

    assert result.from_pool
    tenant = Tenant.objects.get(schema_name="carol")
    assert (tenant.name, tenant.status, tenant.plan.code) == ("Carol Concerts", "trial", "growth")
    assert (tenant.default_currency, tenant.default_language, tenant.country) == ("CHF", "fr", "CH")
    assert tenant.get_primary_domain().domain == "carol.localhost"
    names = schema_names()
    assert "carol" in names
    assert len(pooled_before - names) == 1  # exactly one spare schema was renamed
    with schema_context("carol"):
        owner = User.objects.get()
        assert owner.email == "owner@carol.example" and owner.is_staff and not owner.has_usable_password()
    assert not User.objects.filter(email="owner@carol.example").exists()  # not a platform account
    assert result.invitation_url.startswith("http://carol.localhost:8000/accounts/invitation/")
    assert AuditEntry.objects.filter(tenant=tenant, action="tenant.provisioned").exists()


@pytest.mark.django_db
def test_provisioning_without_a_pool_migrates_a_new_schema() -> None:
    Tenant.objects.filter(status=Tenant.Status.POOLED).update(status=Tenant.Status.CLOSED)

    result = provision()

    assert not result.from_pool
    with schema_context("carol"):
        assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"slug": "acme"}, TenantErrorCode.SLUG_TAKEN, "slug"),
        ({"slug": "ACME"}, TenantErrorCode.SLUG_TAKEN, "slug"),
        ({"hostname": "bravo.localhost"}, TenantErrorCode.HOSTNAME_TAKEN, "hostname"),
        ({"hostname": "not a host"}, TenantErrorCode.HOSTNAME_INVALID, "hostname"),
        ({"hostname": "-bad-.example.com"}, TenantErrorCode.HOSTNAME_INVALID, "hostname"),
        ({"hostname": "localhost"}, TenantErrorCode.HOSTNAME_INVALID, "hostname"),
        ({"slug": "public"}, TenantErrorCode.SLUG_RESERVED, "slug"),
        ({"slug": "information_schema"}, TenantErrorCode.SLUG_RESERVED, "slug"),
        ({"slug": "pg_catalog"}, TenantErrorCode.SLUG_RESERVED, "slug"),
        ({"slug": "pg_toast"}, TenantErrorCode.SLUG_RESERVED, "slug"),
        ({"slug": "pool_123"}, TenantErrorCode.SLUG_RESERVED, "slug"),
        ({"slug": "9lives"}, TenantErrorCode.SLUG_INVALID, "slug"),
        ({"slug": "carol; drop schema public"}, TenantErrorCode.SLUG_INVALID, "slug"),
        ({"slug": "x" * 41}, TenantErrorCode.SLUG_INVALID, "slug"),
        ({"name": "  "}, TenantErrorCode.NAME_REQUIRED, "name"),
        ({"owner_email": "not-an-email"}, TenantErrorCode.EMAIL_INVALID, "owner_email"),
        ({"default_currency": "XYZ"}, TenantErrorCode.CURRENCY_INVALID, "default_currency"),
        ({"default_currency": "eu"}, TenantErrorCode.CURRENCY_INVALID, "default_currency"),
        ({"default_language": "xx"}, TenantErrorCode.LANGUAGE_UNSUPPORTED, "default_language"),
        ({"country": "ZZ"}, TenantErrorCode.COUNTRY_INVALID, "country"),
        ({"plan_code": "platinum"}, TenantErrorCode.PLAN_UNKNOWN, "plan"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_changes_nothing(
    overrides: dict[str, str], code: TenantErrorCode, field: str
) -> None:
    before = snapshot()

    with pytest.raises(TenantError) as refused:
        provision(**overrides)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_schema_left_without_a_tenant_row_still_blocks_its_slug() -> None:
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "orphan"')
    with pytest.raises(TenantError) as refused:
        provision(slug="orphan")
    assert refused.value.code == TenantErrorCode.SLUG_TAKEN


def test_failure_mid_provisioning_rolls_back_schema_rename_and_rows(
    committed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot()
    pooled = set(Tenant.objects.filter(status=Tenant.Status.POOLED).values_list("schema_name", flat=True))
    assert pooled, "the session pool must hold a spare schema for this test"

    def fail_after_rename_and_domain(**kwargs: str) -> None:
        # By now the schema was renamed, the tenant and domain rows written.
        assert "carol" in schema_names()
        raise RuntimeError("injected failure while seeding the shop")

    monkeypatch.setattr(services, "_seed_shop", fail_after_rename_and_domain)
    with pytest.raises(RuntimeError, match="injected failure"):
        provision()

    assert snapshot() == before
    assert "carol" not in schema_names()
    assert pooled <= schema_names()
    assert (
        set(Tenant.objects.filter(status=Tenant.Status.POOLED).values_list("schema_name", flat=True))
        == pooled
    )


def test_concurrent_provisioning_never_shares_a_pooled_schema(committed: None, settings: object) -> None:
    settings.TENANT_POOL_SIZE = 0  # type: ignore[attr-defined]  # no top-up while we count
    pool.top_up(4)
    spare = Tenant.objects.filter(status=Tenant.Status.POOLED).count()
    results: dict[str, services.ProvisionedTenant | BaseException] = {}
    barrier = threading.Barrier(4)

    def buyer(slug: str) -> None:
        try:
            barrier.wait()
            results[slug] = provision(slug=slug, name=slug.title(), owner_email=f"owner@{slug}.example")
        except BaseException as error:  # recorded and asserted below
            results[slug] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buyer, args=(f"shop{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(isinstance(result, services.ProvisionedTenant) for result in results.values()), results
    assert sum(result.from_pool for result in results.values()) == min(4, spare)  # type: ignore[union-attr]
    ids = [result.tenant.pk for result in results.values()]  # type: ignore[union-attr]
    assert len(set(ids)) == 4
    for n in range(4):
        with schema_context(f"shop{n}"):
            assert list(User.objects.values_list("email", flat=True)) == [f"owner@shop{n}.example"]


def test_two_concurrent_claims_of_the_same_slug_create_one_tenant(committed: None) -> None:
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        try:
            barrier.wait()
            outcomes.append(provision(slug="samename", owner_email="a@samename.example"))
        except TenantError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    created = [outcome for outcome in outcomes if isinstance(outcome, services.ProvisionedTenant)]
    assert len(created) == 1 and outcomes.count(TenantErrorCode.SLUG_TAKEN) == 1, outcomes
    assert Tenant.objects.filter(schema_name="samename").count() == 1
