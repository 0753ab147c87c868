"""Webhooks go to public HTTPS addresses only: the platform's own network is out of reach
(unless the settings open it, as the tests and a local demo do), checked at every delivery."""

from __future__ import annotations

import pytest

from api.webhooks.errors import WebhookError, WebhookErrorCode
from api.webhooks.models import WebhookEndpoint
from api.webhooks.services import create_endpoint, deliver_due, relay_outbox
from api.webhooks.targets import resolve_target

from .conftest import buy, endpoint_for
from .receiver import Receiver

pytestmark = pytest.mark.usefixtures("in_acme")

PRIVATE_TARGETS = [
    "https://127.0.0.1/hooks",
    "https://localhost/hooks",
    "https://10.1.2.3/hooks",
    "https://172.16.0.9/hooks",
    "https://192.168.1.20:8443/hooks",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://100.64.0.1/hooks",  # carrier-grade NAT
    "https://0.0.0.0/hooks",
    "https://[::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[fd00::5]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",  # IPv4-mapped loopback
    "https://224.0.0.1/hooks",
]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_private_loopback_and_link_local_targets_are_refused(url: str) -> None:
    with pytest.raises(WebhookError) as refused:
        create_endpoint(actor=None, url=url, event_types=["order.paid"])
    assert refused.value.code == WebhookErrorCode.TARGET_NOT_ALLOWED and refused.value.field == "url"
    assert not WebhookEndpoint.objects.filter(url=url).exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hooks",  # plain http
        "ftp://93.184.215.14/hooks",
        "https://user:pw@93.184.215.14/hooks",
        "not a url",
        "https:///nohost",
    ],
)
def test_malformed_or_plain_http_urls_are_refused(url: str) -> None:
    with pytest.raises(WebhookError) as refused:
        create_endpoint(actor=None, url=url, event_types=["order.paid"])
    assert refused.value.code == WebhookErrorCode.INVALID_URL


def test_a_public_https_address_is_accepted_and_connected_to_as_checked() -> None:
    target = resolve_target("https://93.184.215.14:8443/hooks?shop=acme")
    assert (target.scheme, target.host, target.port, target.path, target.addresses) == (
        "https",
        "93.184.215.14",
        8443,
        "/hooks?shop=acme",
        ("93.184.215.14",),
    )


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(WebhookError) as refused:
        resolve_target("https://no-such-host.invalid/hooks")
    assert "could not be resolved" in refused.value.message


def test_the_guard_is_checked_again_at_delivery(receiver: Receiver, settings) -> None:
    created = endpoint_for(receiver, "order.created")  # allowed while the tests open loopback
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    buy()
    relay_outbox()
    deliver_due()
    assert receiver.received == []
    attempt = created.endpoint.deliveries.get().attempt_log.get()
    assert attempt.status_code is None and "public internet addresses" in attempt.error


def test_unknown_event_types_and_no_types_are_refused(receiver: Receiver) -> None:
    for types in ([], ["order.teleported"]):
        with pytest.raises(WebhookError) as refused:
            create_endpoint(actor=None, url=receiver.url, event_types=types)
        assert refused.value.code == WebhookErrorCode.INVALID_EVENT_TYPES
        assert refused.value.field == "event_types"
