"""The back-office webhook pages, as an owner uses them: the secret is shown once, bad input is
refused on its field with nothing saved, test events and redeliveries reach a real receiver."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from api.webhooks.models import Delivery, WebhookEndpoint
from tests.conftest import client_for
from ticketing.audit.models import LogEntry

from .receiver import Receiver
from .test_signing_and_backoff import verify_as_documented

pytestmark = pytest.mark.usefixtures("in_acme")


@pytest.fixture
def owner_client(owner: User) -> Client:
    client = client_for("acme.localhost")
    client.force_login(owner)
    return client


def test_adding_an_endpoint_shows_its_secret_once(owner_client: Client, receiver: Receiver) -> None:
    response = owner_client.post(
        reverse("webhooks_backoffice:endpoint_create"),
        {"url": receiver.url, "description": "ERP", "event_types": ["order.paid", "order.refunded"]},
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = WebhookEndpoint.objects.get(url=receiver.url)
    assert endpoint.event_types == ["order.paid", "order.refunded"] and endpoint.description == "ERP"
    assert LogEntry.objects.filter(action="webhook_endpoint.created", object_id=endpoint.pk).exists()

    detail = owner_client.get(reverse("webhooks_backoffice:endpoint_detail", args=[endpoint.pk]))
    assert detail.status_code == 200
    assert secret not in detail.content.decode() and secret[-4:] in detail.content.decode()
    listing = owner_client.get(reverse("webhooks_backoffice:endpoint_list"))
    assert receiver.url in listing.content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": "https://127.0.0.1/hooks", "event_types": ["order.paid"]}, "url", "public internet"),
        ({"url": "http://93.184.215.14/hooks", "event_types": ["order.paid"]}, "url", "https://"),
        ({"url": "https://93.184.215.14/hooks"}, "event_types", "required"),
        ({"url": "https://93.184.215.14/hooks", "event_types": ["order.teleported"]}, "event_types", "valid"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    owner_client: Client, fields: dict[str, object], field: str, message: str
) -> None:
    before = WebhookEndpoint.objects.count()
    response = owner_client.post(reverse("webhooks_backoffice:endpoint_create"), fields)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert WebhookEndpoint.objects.count() == before


def test_edit_test_event_redelivery_switch_and_delete(
    owner_client: Client, receiver: Receiver, django_capture_on_commit_callbacks
) -> None:
    made = owner_client.post(
        reverse("webhooks_backoffice:endpoint_create"), {"url": receiver.url, "event_types": ["order.paid"]}
    )
    secret = made.context["secret"]
    endpoint = WebhookEndpoint.objects.get(url=receiver.url)

    edited = owner_client.post(
        reverse("webhooks_backoffice:endpoint_edit", args=[endpoint.pk]),
        {"url": receiver.url + "/v2", "event_types": ["*"], "description": "Warehouse"},
    )
    assert edited.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/hooks/v2") and endpoint.event_types == ["*"]

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("webhooks_backoffice:endpoint_test", args=[endpoint.pk]))
    (hit,) = receiver.received
    assert hit.path == "/hooks/v2" and json.loads(hit.body)["type"] == "webhook.test"
    assert verify_as_documented(secret, hit.body, hit.headers["webhook-signature"])

    delivery = Delivery.objects.get(endpoint=endpoint)
    page = owner_client.get(reverse("webhooks_backoffice:delivery_detail", args=[delivery.pk]))
    assert page.status_code == 200 and "HTTP 200" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        again = owner_client.post(reverse("webhooks_backoffice:delivery_redeliver", args=[delivery.pk]))
    assert again.status_code == 302 and len(receiver.received) == 2

    rolled = owner_client.post(reverse("webhooks_backoffice:endpoint_roll_secret", args=[endpoint.pk]))
    assert rolled.status_code == 200 and rolled.context["secret"] != secret
    assert "the old one also signs until" in rolled.content.decode()  # 24 hours unless chosen
    detail = owner_client.get(reverse("webhooks_backoffice:endpoint_detail", args=[endpoint.pk]))
    assert "the previous one also signs until" in detail.content.decode()

    owner_client.post(reverse("webhooks_backoffice:endpoint_switch", args=[endpoint.pk]), {"active": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.active
    refused = owner_client.post(
        reverse("webhooks_backoffice:delivery_redeliver", args=[delivery.pk]), follow=True
    )
    assert "switched off" in refused.content.decode() and len(receiver.received) == 2

    owner_client.post(reverse("webhooks_backoffice:endpoint_delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert not Delivery.objects.filter(pk=delivery.pk).exists()


def test_another_shops_endpoint_is_not_found(owner_client: Client, bravo) -> None:
    from django_tenants.utils import tenant_context

    with tenant_context(bravo):
        from api.webhooks.services import create_endpoint

        theirs = create_endpoint(actor=None, url="https://93.184.215.14/bravo", event_types=["*"]).endpoint
    # Same primary key space per schema: make sure acme has no row with that id.
    WebhookEndpoint.objects.filter(pk=theirs.pk).delete()
    response = owner_client.get(reverse("webhooks_backoffice:endpoint_detail", args=[theirs.pk]))
    assert response.status_code == 404
