"""The signed ticket payload a QR code carries, and the verifier a scanner runs offline.

Version 1, all integers big-endian::

    offset  size  field
    0       1     version (1)
    1       4     key id: the first 4 bytes of SHA-256 over the raw 32-byte public key
    5       16    ticket id: the ticket's 128-bit public id
    21      8     event id (unsigned)
    29      4     valid from, Unix seconds (UTC)
    33      4     valid until, Unix seconds (UTC)
    37      1     n: length of the holder's initials in UTF-8 bytes (0..12)
    38      n     holder's initials, UTF-8
    38+n    64    Ed25519 signature over bytes [0, 38+n)

The text in the QR code is that binary in RFC 4648 base32 without padding. Base32 uses
only the QR alphanumeric alphabet (5.5 bits a character against 8 in byte mode), so a
typical 104-byte payload fits a version 7 symbol at level M where base64url needs version 8.

This module needs only ``cryptography``: the check-in app and an offline scanner verify
with the keys published at /tickets/public-key.json and no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ticketing.tickets.errors import TicketError, TicketErrorCode

VERSION = 1
_HEADER = struct.Struct(">B4s16sQIIB")  # version, key id, ticket id, event id, from, until, n
SIGNATURE_LENGTH = 64
MAX_INITIALS_BYTES = 12


@dataclass(frozen=True, slots=True)
class TicketClaims:
    """What a signed ticket says about itself."""

    key_id: str  # 8 hex digits
    ticket_id: str  # 32 hex digits, Ticket.public_id
    event_id: int
    valid_from: datetime
    valid_until: datetime
    holder_initials: str


def key_id_for(public_key: bytes) -> str:
    """The key id of a raw 32-byte Ed25519 public key: a fingerprint, so anyone can recompute it."""
    return hashlib.sha256(public_key).digest()[:4].hex()


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def holder_initials(name: str) -> str:
    """'Ada King Lovelace' → 'AL': the first letters of the first and last words of the name."""
    words = [word for word in name.split() if word[0].isalpha()]
    if not words:
        return ""
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    initials = letters.upper()
    while len(initials.encode()) > MAX_INITIALS_BYTES:  # only reachable with exotic scripts
        initials = initials[:-1]
    return initials


def _unix_seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("Ticket validity needs aware datetimes.")
    return max(0, min(int(moment.timestamp()), 2**32 - 1))


def sign_ticket(claims: TicketClaims, *, private_key: Ed25519PrivateKey) -> str:
    """The QR text for ``claims``, signed with ``private_key`` (whose key id the claims carry)."""
    if claims.key_id != key_id_for(raw_public_key(private_key.public_key())):
        raise ValueError("The claims name another key than the one signing them.")
    initials = claims.holder_initials.encode()
    if len(initials) > MAX_INITIALS_BYTES:
        raise ValueError("Holder initials are at most 12 bytes.")
    body = (
        _HEADER.pack(
            VERSION,
            bytes.fromhex(claims.key_id),
            bytes.fromhex(claims.ticket_id),
            claims.event_id,
            _unix_seconds(claims.valid_from),
            _unix_seconds(claims.valid_until),
            len(initials),
        )
        + initials
    )
    signed = body + private_key.sign(body)
    return base64.b32encode(signed).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes:
    cleaned = text.strip()
    try:
        data = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise TicketError(TicketErrorCode.MALFORMED_PAYLOAD, "This is not a ticket code.") from None
    # Only the canonical spelling: base32's spare low bits in the last character would
    # otherwise let several texts stand for the same signed bytes.
    if base64.b32encode(data).decode("ascii").rstrip("=") != cleaned:
        raise TicketError(TicketErrorCode.MALFORMED_PAYLOAD, "This is not a ticket code.")
    return data


def verify_ticket(
    text: str, *, public_keys: Mapping[str, Ed25519PublicKey], at: datetime | None = None
) -> TicketClaims:
    """Check a scanned ticket code against a shop's public keys (by key id); give its claims.

    Raises TicketError when the code is malformed, names an unknown key, carries a bad
    signature or, when ``at`` is given, is not valid at that moment.
    """
    data = _decode(text)
    if len(data) < _HEADER.size + SIGNATURE_LENGTH:
        raise TicketError(TicketErrorCode.MALFORMED_PAYLOAD, "This ticket code is too short.")
    version, key_id, ticket_id, event_id, valid_from, valid_until, initials_length = _HEADER.unpack_from(data)
    if version != VERSION:
        raise TicketError(TicketErrorCode.UNSUPPORTED_VERSION, f"Unknown ticket code version {version}.")
    body_length = _HEADER.size + initials_length
    if initials_length > MAX_INITIALS_BYTES or len(data) != body_length + SIGNATURE_LENGTH:
        raise TicketError(TicketErrorCode.MALFORMED_PAYLOAD, "This ticket code has the wrong length.")
    public_key = public_keys.get(key_id.hex())
    if public_key is None:
        raise TicketError(
            TicketErrorCode.UNKNOWN_KEY,
            "This ticket was not signed by this shop.",
            extra={"kid": key_id.hex()},
        )
    try:
        public_key.verify(data[body_length:], data[:body_length])
    except InvalidSignature:
        raise TicketError(TicketErrorCode.BAD_SIGNATURE, "This ticket's signature is not valid.") from None
    try:
        initials = data[_HEADER.size : body_length].decode()
    except UnicodeDecodeError:  # signed garbage: only a broken signer could produce it
        raise TicketError(TicketErrorCode.MALFORMED_PAYLOAD, "This ticket code is garbled.") from None
    claims = TicketClaims(
        key_id=key_id.hex(),
        ticket_id=ticket_id.hex(),
        event_id=event_id,
        valid_from=datetime.fromtimestamp(valid_from, UTC),
        valid_until=datetime.fromtimestamp(valid_until, UTC),
        holder_initials=initials,
    )
    if at is not None:
        if at < claims.valid_from:
            raise TicketError(TicketErrorCode.NOT_YET_VALID, "This ticket is not valid yet.")
        if at > claims.valid_until:
            raise TicketError(TicketErrorCode.EXPIRED, "This ticket is no longer valid.")
    return claims


def public_keys_from_document(document: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The verification keys of a shop's public-key.json (a JWK set of Ed25519 keys), by key id.

    A key whose id is not the fingerprint of its bytes is refused, so a tampered or
    mislabelled document cannot make one key stand in for another.
    """
    keys: dict[str, Ed25519PublicKey] = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            continue
        raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
        if len(raw) != 32 or key_id_for(raw) != jwk.get("kid"):
            raise TicketError(TicketErrorCode.UNKNOWN_KEY, "A published key does not match its key id.")
        keys[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(raw)
    return keys
