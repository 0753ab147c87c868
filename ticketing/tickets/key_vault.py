"""Private signing keys sealed at rest with AES-256-GCM under a key derived from SECRET_KEY.

Why not plain in the tenant's schema: schema dumps (closing a reseller), backups and
read replicas would then be enough to forge tickets. Sealed, forging needs both the
database and the application secret. The associated data binds each sealed key to its
key id and public key, so a sealed blob cannot be swapped onto another key's row.

SECRET_KEY can be rotated the Django way: opening tries SECRET_KEY, then each of
SECRET_KEY_FALLBACKS; sealing always uses SECRET_KEY.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings

from ticketing.tickets.errors import TicketError, TicketErrorCode

_FORMAT = b"\x01"  # AES-256-GCM, HKDF-SHA256(SECRET_KEY), 12-byte nonce
_NONCE_LENGTH = 12


def _wrapping_key(secret: str) -> bytes:
    return HKDF(
        algorithm=SHA256(), length=32, salt=b"ticketing.tickets", info=b"signing-key-wrapping/v1"
    ).derive(secret.encode())


def _associated_data(key_id: str, public_key: bytes) -> bytes:
    return b"ticket-signing-key:" + key_id.encode() + b":" + public_key


def seal_private_key(private_key: Ed25519PrivateKey, *, key_id: str, public_key: bytes) -> bytes:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = os.urandom(_NONCE_LENGTH)
    sealed = AESGCM(_wrapping_key(settings.SECRET_KEY)).encrypt(
        nonce, raw, _associated_data(key_id, public_key)
    )
    return _FORMAT + nonce + sealed


def open_private_key(sealed: bytes, *, key_id: str, public_key: bytes) -> Ed25519PrivateKey:
    if sealed[:1] != _FORMAT:
        raise TicketError(TicketErrorCode.KEY_UNREADABLE, f"Signing key {key_id} is in an unknown format.")
    nonce, ciphertext = sealed[1 : 1 + _NONCE_LENGTH], sealed[1 + _NONCE_LENGTH :]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            raw = AESGCM(_wrapping_key(secret)).decrypt(
                nonce, ciphertext, _associated_data(key_id, public_key)
            )
        except InvalidTag:
            continue
        return Ed25519PrivateKey.from_private_bytes(raw)
    raise TicketError(
        TicketErrorCode.KEY_UNREADABLE,
        f"Signing key {key_id} cannot be opened with SECRET_KEY or its fallbacks.",
        http_status=500,
    )
