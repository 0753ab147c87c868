"""Branding fixtures: shop contexts, a staff login per shop, a DNS server with an in-memory zone."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

from accounts.models import User
from tenants.models import Tenant
from ticketing.team.models import Membership
from ticketing.team.roles import Role

from .dns_server import InMemoryZone, dns_server


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with tenant_context(acme):
        yield acme


@pytest.fixture
def in_bravo(bravo: Tenant) -> Iterator[Tenant]:
    with tenant_context(bravo):
        yield bravo


def staff_client(tenant: Tenant, hostname: str) -> Client:
    """A signed-in manager of ``tenant``'s team (the session is stored in the tenant's own schema)."""
    client = Client(HTTP_HOST=hostname)
    with tenant_context(tenant):
        user = User.objects.create_user(f"designer@{tenant.schema_name}.example", None, is_staff=True)
        Membership.objects.create(user=user, role=Role.MANAGER)
        client.force_login(user)
    return client


@pytest.fixture
def acme_staff(acme: Tenant) -> Client:
    return staff_client(acme, "acme.localhost")


@pytest.fixture
def zone() -> InMemoryZone:
    return InMemoryZone()


@pytest.fixture
def nameserver(zone: InMemoryZone, settings) -> Iterator[str]:
    """The real dnspython resolver, pointed at an in-process DNS server for ``zone``."""
    with dns_server(zone) as address:
        settings.CUSTOM_DOMAIN_TXT_RESOLVER = "branding.txt_records.DnsPythonTxtResolver"
        settings.CUSTOM_DOMAIN_DNS_NAMESERVERS = [address]
        settings.CUSTOM_DOMAIN_DNS_TIMEOUT = 1.0
        yield address


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 20), color: str = "#c0392b") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path) -> None:
    """Uploaded logos go to a folder of the test's own (a rolled-back test leaves no files behind)."""
    settings.MEDIA_ROOT = tmp_path / "media"
