"""Webhook signatures, Stripe-style: ``Webhook-Signature: t=<unix time>,v1=<hex HMAC-SHA256>``.

The HMAC key is the endpoint's whole secret (``whsec_…``) as UTF-8; the message is the
timestamp, a dot and the exact request body. Receivers recompute it, compare in constant
time and refuse timestamps older than a few minutes (replays). The README has the snippet.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Webhook-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix every secret carries, as Stripe's)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
