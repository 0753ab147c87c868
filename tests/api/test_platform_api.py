"""The platform API (platform host, public schema): platform admins only, by key or console session."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from api.services import create_platform_api_key
from tenants.models import Domain, Tenant

from .conftest import api_client, make_key, post
from .test_authentication import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create_superuser("admin@platform.example", "correct horse battery")


@pytest.fixture
def platform_api(admin: User) -> Client:
    token = create_platform_api_key(admin=admin, name="Ops", scopes=["platform:read", "platform:write"]).token
    return api_client("localhost", token)


def test_a_platform_admin_lists_resellers_plans_and_domains(platform_api: Client) -> None:
    slugs = {
        tenant["slug"] for tenant in platform_api.get("/api/v1/tenants/?page_size=200").json()["results"]
    }
    assert {"acme", "bravo"} <= slugs and "public" not in slugs
    assert platform_api.get("/api/v1/tenants/acme/").json()["name"] == "Acme Live"
    plans = {plan["code"] for plan in platform_api.get("/api/v1/plans/").json()["results"]}
    assert {"starter", "growth", "enterprise"} <= plans
    domains = {
        domain["domain"] for domain in platform_api.get("/api/v1/domains/?page_size=200").json()["results"]
    }
    assert "acme.localhost" in domains


def test_a_platform_admin_provisions_suspends_resumes_and_routes(platform_api: Client) -> None:
    made = post(
        platform_api,
        "/api/v1/tenants/",
        {
            "name": "Carol Concerts",
            "slug": "carol",
            "owner_email": "owner@carol.example",
            "plan_code": "growth",
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["slug"] == "carol" and made.json()["plan"] == "growth"
    suspended = post(platform_api, "/api/v1/tenants/carol/suspend/", {"reason": "unpaid"})
    assert suspended.json()["status"] == "suspended"
    assert_problem(post(platform_api, "/api/v1/tenants/carol/suspend/", {}), 409, "status_conflict")
    assert post(platform_api, "/api/v1/tenants/carol/resume/", {}).json()["status"] != "suspended"
    routed = post(platform_api, "/api/v1/domains/", {"tenant": "carol", "hostname": "tickets.carol.example"})
    assert routed.status_code == 201, routed.content
    assert Domain.objects.get(domain="tickets.carol.example").tenant.schema_name == "carol"
    assert_problem(
        post(platform_api, "/api/v1/domains/", {"tenant": "acme", "hostname": "tickets.carol.example"}),
        409,
        "hostname_taken",
    )
    platform_name = post(platform_api, "/api/v1/domains/", {"tenant": "carol", "hostname": "bravo.localhost"})
    assert "hostname" in assert_problem(platform_name, 400, "hostname_invalid")["errors"]


def test_bad_input_to_the_platform_api_gets_field_errors(platform_api: Client) -> None:
    refused = post(platform_api, "/api/v1/tenants/", {"name": "", "slug": "x", "owner_email": "nope"})
    body = assert_problem(refused, 400, "validation_error")
    assert {"name", "owner_email"} <= set(body["errors"])
    assert_problem(platform_api.get("/api/v1/tenants/no-such-shop/"), 404, "not_found")
    assert not Tenant.objects.filter(schema_name="x").exists()


def test_only_platform_admins_may_use_it(admin: User) -> None:
    read_only = api_client(
        "localhost", create_platform_api_key(admin=admin, name="r", scopes=["platform:read"]).token
    )
    assert read_only.get("/api/v1/tenants/").status_code == 200
    assert_problem(post(read_only, "/api/v1/tenants/acme/suspend/", {}), 403, "permission_denied")
    admin.is_staff = False
    admin.save()
    assert_problem(read_only.get("/api/v1/tenants/"), 401, "not_authenticated")  # the key dies with the role
    assert_problem(api_client("localhost", None).get("/api/v1/tenants/"), 401, "not_authenticated")


def test_a_resellers_key_means_nothing_on_the_platform_host(acme: Tenant) -> None:
    assert_problem(
        api_client("localhost", make_key("acme")).get("/api/v1/tenants/"), 401, "not_authenticated"
    )


def test_a_console_session_of_a_platform_admin_may_read(admin: User) -> None:
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    assert client.get("/api/v1/plans/").status_code == 200
