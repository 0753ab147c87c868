from __future__ import annotations

import subprocess

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from tenants.errors import TenantError, TenantErrorCode
from tenants.models import AuditEntry, Domain, Tenant
from tenants.services import close_tenant, provision_tenant, resume_tenant, suspend_tenant
from tests.conftest import client_for
from ticketing.catalog.models import Event


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_closing_dumps_the_schema_then_drops_it_and_frees_the_hostname(
    committed: None, tmp_path: object, settings: object
) -> None:
    settings.TENANT_DUMP_DIR = tmp_path  # type: ignore[attr-defined]
    provision_tenant(name="Delta Shows", slug="delta", owner_email="owner@delta.example")
    with schema_context("delta"):
        Event.objects.create(
            name="Delta Finale",
            slug="finale",
            status="published",
            starts_at="2027-01-01T20:00Z",
            ends_at="2027-01-01T22:00Z",
        )
    assert "Delta Finale" in client_for("delta.localhost").get("/").content.decode()

    dump = close_tenant(tenant=Tenant.objects.get(schema_name="delta"), actor=None)

    assert not schema_exists("delta")
    tenant = Tenant.objects.get(schema_name="delta")
    assert tenant.status == Tenant.Status.CLOSED
    assert not Domain.objects.filter(tenant=tenant).exists()
    assert AuditEntry.objects.filter(tenant=tenant, action="tenant.closed").exists()
    assert client_for("delta.localhost").get("/").status_code == 404
    listing = subprocess.run(
        [settings.PG_DUMP_BINARY.replace("pg_dump", "pg_restore"), "--list", str(dump)],  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TABLE DATA delta catalog_event" in listing
    data = subprocess.run(
        [settings.PG_DUMP_BINARY.replace("pg_dump", "pg_restore"), "--data-only", "-f", "-", str(dump)],  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Delta Finale" in data


def test_a_failed_dump_closes_nothing(acme: Tenant, settings: object) -> None:
    settings.PG_DUMP_BINARY = "/bin/false"  # type: ignore[attr-defined]

    with pytest.raises(TenantError):
        close_tenant(tenant=acme, actor=None)

    assert schema_exists("acme")
    assert Tenant.objects.get(pk=acme.pk).status == Tenant.Status.TRIAL
    assert Domain.objects.filter(tenant=acme).exists()


def test_status_changes_that_make_no_sense_are_refused(acme: Tenant) -> None:
    with pytest.raises(TenantError) as refused:
        resume_tenant(tenant=acme, actor=None)
    assert refused.value.code == TenantErrorCode.STATUS_CONFLICT

    suspend_tenant(tenant=acme, actor=None)
    with pytest.raises(TenantError):
        suspend_tenant(tenant=acme, actor=None)
    assert str(settings.TENANT_DUMP_DIR)
