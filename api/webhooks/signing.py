"""Webhook signatures, Stripe-style: ``Webhook-Signature: t=<unix time>,v1=<hex HMAC-SHA256>``.

The HMAC key is the endpoint's whole secret (``whsec_…``) as UTF-8; the message is the
timestamp, a dot and the exact request body. Receivers recompute it, compare in constant
time and refuse timestamps older than a few minutes (replays). The README has the snippet.
After the secret is rolled the old one may keep signing for a while (a second ``v1=``),
so receivers can switch without missing a webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Webhook-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix every secret carries, as Stripe's)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, body: bytes, timestamp: int, previous_secret: str = "") -> str:
    """The header value; while a rolled secret still signs, a second ``v1=`` carries its signature."""
    secrets_now = [secret, previous_secret] if previous_secret else [secret]
    macs = [
        hmac.new(key.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
        for key in secrets_now
    ]
    return ",".join([f"t={timestamp}", *(f"v1={mac}" for mac in macs)])
