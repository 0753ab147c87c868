"""Endpoint signing secrets sealed at rest with AES-256-GCM under a key derived from SECRET_KEY.

The secret must be readable to sign with, so it cannot be hashed like a password; sealed,
a schema dump or a backup alone does not let anyone forge a shop's webhooks. Opening
tries SECRET_KEY, then SECRET_KEY_FALLBACKS (rotated the Django way), like the ticket keys.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from api.webhooks.errors import WebhookError, WebhookErrorCode

_FORMAT = b"\x01"  # AES-256-GCM, HKDF-SHA256(SECRET_KEY), 12-byte nonce
_NONCE_LENGTH = 12
_ASSOCIATED_DATA = b"webhook-endpoint-secret"


def _key(secret_key: str) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=b"api.webhooks", info=b"endpoint-secret/v1").derive(
        secret_key.encode()
    )


def seal_secret(secret: str) -> bytes:
    nonce = os.urandom(_NONCE_LENGTH)
    return (
        _FORMAT + nonce + AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, secret.encode(), _ASSOCIATED_DATA)
    )


def open_secret(sealed: bytes) -> str:
    sealed = bytes(sealed)
    if sealed[:1] == _FORMAT:
        nonce, ciphertext = sealed[1 : 1 + _NONCE_LENGTH], sealed[1 + _NONCE_LENGTH :]
        for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
            try:
                return AESGCM(_key(secret_key)).decrypt(nonce, ciphertext, _ASSOCIATED_DATA).decode()
            except InvalidTag:
                continue
    raise WebhookError(
        WebhookErrorCode.SECRET_UNREADABLE,
        "The endpoint's signing secret cannot be opened with SECRET_KEY or its fallbacks; roll it.",
        http_status=500,
    )
