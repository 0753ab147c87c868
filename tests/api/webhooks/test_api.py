"""The webhook viewsets (not routed yet: the API app mounts them), called as DRF calls them."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.models import User
from api.webhooks.api import DeliveryViewSet, WebhookEndpointViewSet
from api.webhooks.models import Delivery, WebhookEndpoint
from api.webhooks.services import deliver_due, relay_outbox
from ticketing.team.models import Membership

from .conftest import buy
from .receiver import Receiver
from .test_signing_and_backoff import verify_as_documented

pytestmark = pytest.mark.usefixtures("in_acme")

factory = APIRequestFactory()
ENDPOINTS = {"get": "list", "post": "create"}
ENDPOINT = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}


def call(view: Any, actions: dict[str, str], method: str, user: User, data: Any = None, **kwargs: Any) -> Any:
    request = (
        getattr(factory, method)("/", data, format="json")
        if data is not None
        else getattr(factory, method)("/")
    )
    force_authenticate(request, user=user)
    return view.as_view(actions)(request, **kwargs)


def rows_of(response: Any) -> list[dict[str, Any]]:
    """A list answer: paginated (the API's cursor pages) or plain."""
    return response.data["results"] if isinstance(response.data, dict) else response.data


def test_create_list_change_and_delete_an_endpoint(owner: User, receiver: Receiver) -> None:
    created = call(
        WebhookEndpointViewSet,
        ENDPOINTS,
        "post",
        owner,
        {"url": receiver.url, "event_types": ["order.created"]},
    )
    assert created.status_code == 201
    secret, pk = created.data["secret"], created.data["id"]
    assert secret.startswith("whsec_") and created.data["secret_hint"] == secret[-4:]

    listed = call(WebhookEndpointViewSet, ENDPOINTS, "get", owner)
    assert [row["id"] for row in rows_of(listed) if row["id"] == pk] == [pk]
    assert all("secret" not in row for row in rows_of(listed))

    changed = call(
        WebhookEndpointViewSet, ENDPOINT, "patch", owner, {"description": "CRM", "active": False}, pk=str(pk)
    )
    assert changed.status_code == 200 and changed.data["description"] == "CRM" and not changed.data["active"]
    assert changed.data["event_types"] == ["order.created"]

    gone = call(WebhookEndpointViewSet, ENDPOINT, "delete", owner, pk=str(pk))
    assert gone.status_code == 204 and not WebhookEndpoint.objects.filter(pk=pk).exists()
    missing = call(WebhookEndpointViewSet, ENDPOINT, "get", owner, pk=str(pk))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://10.0.0.8/hooks", "event_types": ["order.paid"]}, "url"),
        ({"url": "https://93.184.215.14/hooks", "event_types": []}, "event_types"),
        ({"url": "https://93.184.215.14/hooks", "event_types": ["order.teleported"]}, "event_types"),
        ({"event_types": ["order.paid"]}, "url"),
    ],
)
def test_bad_input_gives_400_with_field_errors_and_saves_nothing(
    owner: User, body: dict[str, Any], field: str
) -> None:
    before = WebhookEndpoint.objects.count()
    response = call(WebhookEndpointViewSet, ENDPOINTS, "post", owner, body)
    assert response.status_code == 400
    errors = response.data.get("errors", response.data)
    assert field in errors
    assert WebhookEndpoint.objects.count() == before


def test_deliveries_are_listed_with_their_attempts_and_can_be_sent_again(
    owner: User, receiver: Receiver, django_capture_on_commit_callbacks
) -> None:
    created = call(
        WebhookEndpointViewSet, ENDPOINTS, "post", owner, {"url": receiver.url, "event_types": ["*"]}
    )
    receiver.answers = [500]
    buy()
    relay_outbox()
    deliver_due()
    delivery = Delivery.objects.get(endpoint_id=created.data["id"])

    listed = call(WebhookEndpointViewSet, {"get": "deliveries"}, "get", owner, pk=str(created.data["id"]))
    assert [row["id"] for row in rows_of(listed)] == [delivery.pk]
    assert (
        rows_of(listed)[0]["event"]["type"] == "order.created" and rows_of(listed)[0]["status"] == "pending"
    )

    with django_capture_on_commit_callbacks(execute=True):
        again = call(DeliveryViewSet, {"post": "redeliver"}, "post", owner, pk=str(delivery.pk))
    assert again.status_code == 202
    one = call(DeliveryViewSet, {"get": "retrieve"}, "get", owner, pk=str(delivery.pk))
    assert one.data["status"] == "succeeded"
    assert [attempt["status_code"] for attempt in one.data["attempt_log"]] == [200, 500]
    assert verify_as_documented(created.data["secret"], receiver.received[-1].body,
                                receiver.received[-1].headers["webhook-signature"])  # fmt: skip


def test_a_member_without_the_permission_is_refused_with_403(receiver: Receiver) -> None:
    analyst = User.objects.create_user("analyst-api@team.example", "pw", is_staff=True)
    Membership.objects.create(user=analyst, role="analyst")
    response = call(
        WebhookEndpointViewSet, ENDPOINTS, "post", analyst, {"url": receiver.url, "event_types": ["*"]}
    )
    assert response.status_code == 403 and response.content_type == "application/problem+json"
    assert response.data["code"] == "permission_denied" and response.data["status"] == 403
    assert not WebhookEndpoint.objects.filter(url=receiver.url).exists()
