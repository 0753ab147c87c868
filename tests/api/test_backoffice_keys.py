"""The back office's API keys page: owners and managers make keys (shown once) and revoke them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from api.models import ApiKey
from api.services import hash_token
from tenants.models import Tenant
from ticketing.team.roles import Role

from ..ticketing.factories import make_member
from .conftest import api_client

pytestmark = pytest.mark.django_db


def _member_client(tenant: Tenant, role: str) -> Client:
    client = Client(HTTP_HOST=f"{tenant.schema_name}.localhost")
    with tenant_context(tenant):
        client.force_login(make_member(role))
    return client


def test_a_manager_makes_a_key_that_is_shown_once_and_works(api_shops: tuple[Tenant, Tenant]) -> None:
    acme = api_shops[0]
    manager = _member_client(acme, Role.MANAGER)
    page = manager.post(
        "/backoffice/api-keys/", {"name": "Box office app", "scopes": ["orders:read", "events:read"]}
    )
    assert page.status_code == 201 and page["Cache-Control"] == "no-store"
    token = re.search(r'value="(tk_[0-9a-f]{8}_[A-Za-z0-9_-]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    with tenant_context(acme):
        key = ApiKey.objects.get(name="Box office app")
        assert key.secret_hash == hash_token(token) and token not in str(vars(key))
        assert key.scopes == ["events:read", "orders:read"]
    assert api_client("acme.localhost", token).get("/api/v1/orders/").status_code == 200
    again = manager.get("/backoffice/api-keys/").content.decode()
    assert token not in again and f"tk_{key.prefix}_" in again


def test_bad_input_shows_the_form_again_and_makes_nothing(api_shops: tuple[Tenant, Tenant]) -> None:
    owner = _member_client(api_shops[0], Role.OWNER)
    page = owner.post("/backoffice/api-keys/", {"name": "", "scopes": ["nonsense"]})
    assert page.status_code == 400 and b"errorlist" in page.content
    with tenant_context(api_shops[0]):
        assert not ApiKey.objects.exists()


def test_revoking_a_key_stops_it(api_shops: tuple[Tenant, Tenant]) -> None:
    acme = api_shops[0]
    owner = _member_client(acme, Role.OWNER)
    page = owner.post("/backoffice/api-keys/", {"name": "Old app", "scopes": ["events:read"]})
    token = re.search(r'value="(tk_[^"]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    client = api_client("acme.localhost", token)
    assert client.get("/api/v1/events/").status_code == 200
    with tenant_context(acme):
        key = ApiKey.objects.get(name="Old app")
    assert owner.post(f"/backoffice/api-keys/{key.pk}/revoke/").status_code == 302
    assert client.get("/api/v1/events/").status_code == 401


@pytest.mark.parametrize("role", [Role.SCANNER, Role.BOX_OFFICE, Role.ANALYST])
def test_other_roles_may_not_see_or_make_keys(api_shops: tuple[Tenant, Tenant], role: str) -> None:
    client = _member_client(api_shops[0], role)
    assert client.get("/backoffice/api-keys/").status_code == 403
    assert client.post("/backoffice/api-keys/", {"name": "x", "scopes": ["events:read"]}).status_code == 403
    with tenant_context(api_shops[0]):
        assert not ApiKey.objects.exists()
