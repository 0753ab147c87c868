"""Verifying the processor's webhook deliveries (Stripe-Signature) and reading their envelope."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import stripe

from billing.processor.errors import ProcessorError, ProcessorErrorCode


def verified_event(*, payload: bytes, signature: str, secret: str) -> dict[str, Any]:
    """The event of a delivery whose signature checks out with ``secret``; ProcessorError otherwise."""
    try:
        stripe.WebhookSignature.verify_header(payload.decode(), signature, secret)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError):
        raise ProcessorError(
            ProcessorErrorCode.BAD_SIGNATURE, "The webhook signature is invalid.", http_status=400
        ) from None
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise ProcessorError(ProcessorErrorCode.BAD_SIGNATURE, "Not an event.", http_status=400)
    return event


def event_object(event: dict[str, Any]) -> dict[str, Any]:
    return dict((event.get("data") or {}).get("object") or {})


def event_created(event: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC)
