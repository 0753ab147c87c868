"""https:// targets: the connection goes to the checked address, the certificate is verified
against the URL's host name (SNI), and a certificate for another name is a failed attempt."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest

from api.webhooks.models import Delivery
from api.webhooks.services import create_endpoint, deliver_due, relay_outbox

from .certificates import make_ca_and_server_certificate
from .conftest import buy
from .receiver import running_receiver

pytestmark = pytest.mark.usefixtures("in_acme")


def server_context(tmp_path: Path, certificate_for: str, settings) -> ssl.SSLContext:
    ca_file, certificate, key = make_ca_and_server_certificate(tmp_path, hostname=certificate_for)
    settings.WEBHOOK_TLS_CA_FILE = str(ca_file)
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # localhost, for the test
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context


def test_an_https_endpoint_gets_the_event_over_verified_tls(tmp_path: Path, settings) -> None:
    tls = server_context(tmp_path, "localhost", settings)
    with running_receiver(tls=tls, host="localhost") as receiver:
        endpoint = create_endpoint(actor=None, url=receiver.url, event_types=["order.created"]).endpoint
        order = buy()
        relay_outbox()
        deliver_due()
        (hit,) = receiver.received
    assert json.loads(hit.body)["data"]["object"]["code"] == order.code
    assert hit.headers["host"] == f"localhost:{receiver.url.split(':')[2].split('/')[0]}"
    assert Delivery.objects.get(endpoint=endpoint).status == "succeeded"


def test_a_certificate_for_another_name_is_a_failed_attempt(tmp_path: Path, settings) -> None:
    tls = server_context(tmp_path, "elsewhere.example", settings)
    with running_receiver(tls=tls, host="localhost") as receiver:
        endpoint = create_endpoint(actor=None, url=receiver.url, event_types=["order.created"]).endpoint
        buy()
        relay_outbox()
        deliver_due()
        assert receiver.received == []
    attempt = Delivery.objects.get(endpoint=endpoint).attempt_log.get()
    assert attempt.status_code is None and "CERTIFICATE_VERIFY_FAILED" in attempt.error
