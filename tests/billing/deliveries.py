"""Webhook deliveries as Stripe signs them (Stripe-Signature: t=…,v1=HMAC-SHA256 of "t.body")."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

WEBHOOK_SECRET = "whsec_test_platform"


@pytest.fixture(autouse=True)
def _webhook_secrets(settings: SettingsWrapper) -> None:
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = WEBHOOK_SECRET


def signed(event: dict[str, Any], secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    """A delivery body and its Stripe-Signature header, computed as Stripe documents it."""
    body = json.dumps(event).encode()
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={digest}"


def deliver(
    client: Client, event: dict[str, Any], *, path: str = "/billing/stripe/webhook/"
) -> dict[str, Any]:
    body, signature = signed(event)
    response = client.post(path, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert response.status_code == 200, response.content
    return dict(response.json())
