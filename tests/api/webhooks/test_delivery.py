"""The relay against a real HTTP server on loopback: fan-out, signed POSTs, retries with backoff,
giving up, switching a failing endpoint off (and telling the owner), redelivery and test events."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from api.webhooks.errors import WebhookError
from api.webhooks.models import Delivery, WebhookEndpoint
from api.webhooks.services import (
    deliver_due,
    redeliver,
    relay_outbox,
    roll_secret,
    send_test_event,
    set_endpoint_active,
)
from ticketing.orders.services import mark_order_paid
from ticketing.outbox.models import OutboxEvent

from .conftest import buy, endpoint_for
from .receiver import Receiver
from .test_signing_and_backoff import verify_as_documented

pytestmark = pytest.mark.usefixtures("in_acme")


def deliveries_to(endpoint: WebhookEndpoint) -> list[Delivery]:
    return list(Delivery.objects.filter(endpoint=endpoint).select_related("event").order_by("pk"))


def test_an_order_reaches_a_subscribed_endpoint_signed(receiver: Receiver) -> None:
    created = endpoint_for(receiver, "order.created", "order.paid")
    order = buy(quantity=2)
    mark_order_paid(order=order, actor=None)

    relay_outbox()
    assert deliver_due() == 2

    assert [json.loads(hit.body)["type"] for hit in receiver.received] == ["order.created", "order.paid"]
    hit = receiver.received[0]
    body = json.loads(hit.body)
    assert body["object"] == "event" and body["shop"] == "acme"
    assert body["data"]["object"]["code"] == order.code
    assert hit.headers["webhook-id"] == body["id"]
    assert hit.headers["webhook-event-type"] == "order.created"
    assert hit.headers["content-type"] == "application/json"
    assert verify_as_documented(created.secret, hit.body, hit.headers["webhook-signature"])
    assert all(delivery.status == "succeeded" for delivery in deliveries_to(created.endpoint))
    attempt = deliveries_to(created.endpoint)[0].attempt_log.get()
    assert attempt.status_code == 200 and attempt.response_excerpt == '{"ok": true}' and attempt.number == 1


def test_only_subscribed_types_are_sent(receiver: Receiver) -> None:
    created = endpoint_for(receiver, "order.paid")
    buy()  # order.created only
    relay_outbox()
    deliver_due()
    assert receiver.received == []
    assert deliveries_to(created.endpoint) == []


def test_the_secret_is_sealed_at_rest(receiver: Receiver) -> None:
    created = endpoint_for(receiver)
    stored = bytes(WebhookEndpoint.objects.get(pk=created.endpoint.pk).secret_sealed)
    assert created.secret.encode() not in stored
    assert created.endpoint.secret_hint == created.secret[-4:]


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(receiver: Receiver, settings) -> None:
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    created = endpoint_for(receiver, "order.created")
    receiver.answers = [500, 503]
    buy()
    relay_outbox()
    now = timezone.now()

    deliver_due(now=now)
    delivery = deliveries_to(created.endpoint)[0]
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
    assert delivery.next_attempt_at is not None
    assert timedelta(seconds=48) <= delivery.next_attempt_at - now <= timedelta(seconds=72)

    assert deliver_due(now=now + timedelta(seconds=30)) == 0  # not due yet
    deliver_due(now=now + timedelta(seconds=80))
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 503
    assert delivery.next_attempt_at is not None
    assert (
        timedelta(seconds=96)
        <= delivery.next_attempt_at - (now + timedelta(seconds=80))
        <= timedelta(seconds=144)
    )

    deliver_due(now=now + timedelta(seconds=300))
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 3 and delivery.next_attempt_at is None
    assert [attempt.status_code for attempt in delivery.attempt_log.order_by("number")] == [500, 503, 200]
    assert "receiver says no" in delivery.attempt_log.get(number=1).response_excerpt
    assert len({hit.headers["webhook-id"] for hit in receiver.received}) == 1  # the same event thrice
    assert [hit.headers["webhook-attempt"] for hit in receiver.received] == ["1", "2", "3"]
    created.endpoint.refresh_from_db()
    assert created.endpoint.consecutive_failures == 0 and created.endpoint.failing_since is None


def test_a_delivery_fails_for_good_after_the_maximum_attempts(receiver: Receiver, settings) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    created = endpoint_for(receiver, "order.created")
    receiver.answers = [500] * 10
    buy()
    relay_outbox()
    later = timezone.now()
    for _ in range(5):
        later += timedelta(days=1)
        deliver_due(now=later)
    delivery = deliveries_to(created.endpoint)[0]
    assert delivery.status == "failed" and delivery.attempts == 3 and delivery.next_attempt_at is None
    assert len(receiver.received) == 3


def test_an_unreachable_receiver_is_logged_as_a_failed_attempt(loopback_allowed: None) -> None:
    from .receiver import running_receiver

    with running_receiver() as gone:
        url = gone.url
    created = endpoint_for(Receiver(url=url), "order.created")
    buy()
    relay_outbox()
    deliver_due()
    attempt = deliveries_to(created.endpoint)[0].attempt_log.get()
    assert attempt.status_code is None and "ConnectionRefused" in attempt.error


def test_an_endpoint_failing_too_long_is_switched_off_and_its_owner_told(
    receiver: Receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 3600
    created = endpoint_for(receiver, "order.created")
    receiver.answers = [500] * 10
    for _ in range(3):
        buy()
    relay_outbox()
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due(now=start)  # three failures in a row, but failing for less than an hour
    created.endpoint.refresh_from_db()
    assert created.endpoint.active and created.endpoint.consecutive_failures == 3
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        deliver_due(now=start + timedelta(hours=2))
    created.endpoint.refresh_from_db()
    assert not created.endpoint.active
    assert "failed deliveries in a row" in created.endpoint.disabled_reason
    (message,) = mail.outbox
    assert message.to == ["owner@acme.example"] and created.endpoint.url in message.subject

    # Switched off: new events are not fanned out to it, pending retries wait.
    sent = len(receiver.received)
    buy()
    relay_outbox()
    deliver_due(now=start + timedelta(days=3))
    assert len(receiver.received) == sent
    with pytest.raises(WebhookError) as refused:
        send_test_event(actor=None, endpoint=created.endpoint)
    assert refused.value.http_status == 409

    # Switched on again by staff: the pending deliveries go out.
    receiver.answers = []
    set_endpoint_active(actor=None, endpoint=created.endpoint, active=True)
    deliver_due(now=start + timedelta(days=3))
    assert len(receiver.received) == sent + 3


def test_redelivery_sends_a_delivered_event_again_once(
    receiver: Receiver, owner, django_capture_on_commit_callbacks
) -> None:
    created = endpoint_for(receiver, "order.created")
    buy()
    relay_outbox()
    deliver_due()
    delivery = deliveries_to(created.endpoint)[0]

    with django_capture_on_commit_callbacks(execute=True):
        redeliver(actor=owner, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert delivery.attempt_log.get(number=2).manual

    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        redeliver(actor=owner, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3  # one try, no retry schedule


def test_a_test_event_goes_to_that_endpoint_only(
    receiver: Receiver, owner, django_capture_on_commit_callbacks
) -> None:
    created = endpoint_for(receiver, "order.paid")
    other = endpoint_for(receiver, "*")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = send_test_event(actor=owner, endpoint=created.endpoint)
    (hit,) = receiver.received
    body = json.loads(hit.body)
    assert body["type"] == "webhook.test" and body["data"]["object"]["id"] == created.endpoint.pk
    assert verify_as_documented(created.secret, hit.body, hit.headers["webhook-signature"])
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    relay_outbox()
    deliver_due()
    assert len(receiver.received) == 1 and deliveries_to(other.endpoint) == []


def test_events_written_before_an_endpoint_existed_are_not_sent_to_it(receiver: Receiver) -> None:
    buy()
    relay_outbox()
    created = endpoint_for(receiver)
    relay_outbox()
    deliver_due()
    assert receiver.received == [] and deliveries_to(created.endpoint) == []
    assert not OutboxEvent.objects.filter(relayed_at__isnull=True).exists()


def test_after_a_roll_the_old_secret_signs_too_until_it_expires(receiver: Receiver) -> None:
    created = endpoint_for(receiver, "order.created")
    rolled = roll_secret(actor=None, endpoint=created.endpoint, previous_valid_hours=24)
    assert rolled.secret != created.secret
    buy()
    relay_outbox()
    deliver_due()
    hit = receiver.received[-1]
    header = hit.headers["webhook-signature"]
    assert header.count("v1=") == 2
    assert verify_as_documented(created.secret, hit.body, header)  # receivers not switched yet
    assert verify_as_documented(rolled.secret, hit.body, header)  # receivers switched already

    WebhookEndpoint.objects.filter(pk=created.endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    buy()
    relay_outbox()
    deliver_due()
    hit = receiver.received[-1]
    assert hit.headers["webhook-signature"].count("v1=") == 1
    assert not verify_as_documented(created.secret, hit.body, hit.headers["webhook-signature"])
    assert verify_as_documented(rolled.secret, hit.body, hit.headers["webhook-signature"])


def test_a_roll_that_stops_the_old_secret_at_once(receiver: Receiver) -> None:
    created = endpoint_for(receiver, "order.created")
    rolled = roll_secret(actor=None, endpoint=created.endpoint, previous_valid_hours=0)
    buy()
    relay_outbox()
    deliver_due()
    hit = receiver.received[-1]
    assert not verify_as_documented(created.secret, hit.body, hit.headers["webhook-signature"])
    assert verify_as_documented(rolled.secret, hit.body, hit.headers["webhook-signature"])
    with pytest.raises(WebhookError) as refused:
        roll_secret(actor=None, endpoint=created.endpoint, previous_valid_hours=500)
    assert refused.value.field == "previous_valid_hours"
