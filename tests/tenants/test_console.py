"""The platform console: list, create (through provisioning), suspend and resume resellers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from tenants.models import Domain, Tenant
from tests.conftest import PLATFORM_HOST, client_for


@pytest.fixture
def console(db: None) -> Client:
    admin = User.objects.create_superuser("root@platform.localhost", "console password 1")
    client = client_for(PLATFORM_HOST)
    client.force_login(admin)
    return client


def test_console_lists_and_searches_resellers_but_not_spare_schemas(console: Client) -> None:
    page = console.get("/admin/tenants/tenant/").content.decode()
    assert "Acme Live" in page and "Bravo Tickets" in page
    assert "pool_" not in page

    found = console.get("/admin/tenants/tenant/", {"q": "bravo"}).content.decode()
    assert "Bravo Tickets" in found and "Acme Live" not in found


def test_console_creates_a_reseller_through_provisioning(console: Client) -> None:
    response = console.post(
        "/admin/tenants/tenant/add/",
        {
            "name": "Echo Events",
            "slug": "echo",
            "owner_email": "owner@echo.example",
            "hostname": "",
            "plan": "",
            "default_language": "es",
            "default_currency": "MXN",
            "country": "MX",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = Tenant.objects.get(schema_name="echo")
    assert (tenant.name, tenant.default_currency, tenant.default_language) == ("Echo Events", "MXN", "es")
    assert Domain.objects.get(tenant=tenant).domain == "echo.localhost"


def test_console_shows_a_form_error_for_a_taken_slug_and_creates_nothing(console: Client) -> None:
    before = Tenant.objects.count()
    response = console.post(
        "/admin/tenants/tenant/add/",
        {
            "name": "Fake Acme",
            "slug": "acme",
            "owner_email": "x@acme.example",
            "default_language": "en",
            "default_currency": "EUR",
            "country": "",
        },
    )

    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    assert Tenant.objects.count() == before


def test_console_suspends_and_resumes(console: Client, acme: Tenant) -> None:
    console.post("/admin/tenants/tenant/", {"action": "suspend", "_selected_action": [acme.pk]})
    assert Tenant.objects.get(pk=acme.pk).status == Tenant.Status.SUSPENDED
    assert client_for("acme.localhost").get("/").status_code == 503

    console.post("/admin/tenants/tenant/", {"action": "resume", "_selected_action": [acme.pk]})
    assert Tenant.objects.get(pk=acme.pk).status == Tenant.Status.TRIAL


def test_reseller_staff_cannot_use_the_console(acme: Tenant) -> None:
    assert client_for("acme.localhost").get("/admin/").status_code == 404


def test_provision_command_reports_bad_input_as_a_command_error(db: None) -> None:
    with pytest.raises(CommandError, match="slug: The slug “public” is reserved"):
        call_command("provision_tenant", "public", name="Nope", owner_email="a@b.example")


def test_tenant_command_runs_a_command_in_the_named_schema(db: None) -> None:
    out = StringIO()
    call_command("tenant_command", "dumpdata", "catalog.event", schema_name="bravo", stdout=out)
    assert "Bravo Sommerfest" in out.getvalue() and "Acme Jazz Night" not in out.getvalue()
