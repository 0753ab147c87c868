"""Who may call the API: keys of this reseller (not another's), with the scope, on a plan with API access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from api.models import ApiKey
from api.services import revoke_api_key
from tenants.models import Tenant
from tests.billing.factories import put_on_plan
from ticketing.team.roles import Role

from ..ticketing.factories import make_member
from .conftest import api_client, make_key

pytestmark = pytest.mark.django_db


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["code"] == code, body
    assert body["type"].startswith("about:blank") and body["title"]
    return body


def test_a_request_without_a_key_gets_401_with_a_bearer_challenge(api_shops: object) -> None:
    response = api_client("acme.localhost", None).get("/api/v1/events/")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_key_gets_401(api_shops: object) -> None:
    token = make_key("acme")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert_problem(api_client("acme.localhost", tampered).get("/api/v1/events/"), 401, "not_authenticated")
    assert_problem(
        api_client("acme.localhost", "tk_nonsense").get("/api/v1/events/"), 401, "not_authenticated"
    )
    basic = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert_problem(basic.get("/api/v1/events/"), 401, "not_authenticated")


def test_a_key_of_one_reseller_is_rejected_on_another_resellers_host(api_shops: object) -> None:
    acme_token = make_key("acme")
    assert api_client("acme.localhost", acme_token).get("/api/v1/events/").status_code == 200
    assert_problem(api_client("bravo.localhost", acme_token).get("/api/v1/events/"), 401, "not_authenticated")
    assert_problem(api_client("localhost", acme_token).get("/api/v1/tenants/"), 401, "not_authenticated")


def test_a_revoked_key_is_refused_at_once_even_after_it_was_cached(api_shops: object) -> None:
    token = make_key("acme")
    client = api_client("acme.localhost", token)
    assert client.get("/api/v1/events/").status_code == 200  # its grant is cached now
    with schema_context("acme"):
        key = ApiKey.objects.get(prefix=token[3:11])
        revoke_api_key(actor=None, key_id=key.pk)
    assert_problem(client.get("/api/v1/events/"), 401, "not_authenticated")


def test_a_key_without_the_scope_gets_403_naming_it(acme_api_with: Callable[..., Client]) -> None:
    client = acme_api_with("events:read")
    assert client.get("/api/v1/events/").status_code == 200
    body = assert_problem(client.get("/api/v1/orders/"), 403, "permission_denied")
    assert "orders:read" in str(body["title"])


def test_a_plan_without_api_access_gets_403(acme: Tenant) -> None:
    put_on_plan(acme, "starter")
    response = api_client("acme.localhost", make_key("acme")).get("/api/v1/events/")
    assert_problem(response, 403, "feature_not_in_plan")


def test_last_used_is_written_at_most_once_a_minute(api_shops: object) -> None:
    token = make_key("acme")
    client = api_client("acme.localhost", token)
    assert client.get("/api/v1/events/").status_code == 200
    with schema_context("acme"):
        key = ApiKey.objects.get(prefix=token[3:11])
        first = key.last_used_at
        assert first is not None and timezone.now() - first < timedelta(seconds=30)
        earlier = first - timedelta(seconds=20)
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=earlier)
    assert client.get("/api/v1/events/").status_code == 200
    with schema_context("acme"):
        assert ApiKey.objects.get(pk=key.pk).last_used_at == earlier  # not written again within the minute


def _signed_in(role: str) -> Client:
    client = Client(HTTP_HOST="acme.localhost")
    with schema_context("acme"):
        client.force_login(make_member(role))  # the session lives in acme's schema
    return client


def test_a_back_office_session_gets_what_the_members_role_allows(api_shops: object) -> None:
    scanner = _signed_in(Role.SCANNER)
    assert scanner.get("/api/v1/events/").status_code == 200
    assert_problem(scanner.get("/api/v1/orders/"), 403, "permission_denied")
    manager = _signed_in(Role.MANAGER)
    assert manager.get("/api/v1/orders/").status_code == 200


def test_a_session_of_someone_outside_the_team_is_refused(api_shops: object) -> None:
    client = Client(HTTP_HOST="acme.localhost")
    with schema_context("acme"):
        client.force_login(User.objects.create_user("buyer@example.com", None))  # not staff
    assert_problem(client.get("/api/v1/events/"), 401, "not_authenticated")


def test_unknown_api_paths_answer_with_a_problem(acme_api: Client) -> None:
    assert_problem(acme_api.get("/api/v1/nothing-here/"), 404, "not_found")
