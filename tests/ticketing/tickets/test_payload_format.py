"""The payload format on its own, no database: any claims round-trip, any garbage is refused cleanly."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from ticketing.tickets.errors import TicketError
from ticketing.tickets.payload import (
    TicketClaims,
    holder_initials,
    key_id_for,
    raw_public_key,
    sign_ticket,
    verify_ticket,
)


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Ada Lovelace", "AL"),
        ("Ada King Lovelace", "AL"),
        ("Cher", "C"),
        ("  ", ""),
        ("émile zola", "ÉZ"),
        ("李 小龙", "李小"),
    ],
)
def test_holder_initials(name: str, initials: str) -> None:
    assert holder_initials(name) == initials


_KEY = Ed25519PrivateKey.generate()
_KID = key_id_for(raw_public_key(_KEY.public_key()))


@given(
    ticket_id=st.binary(min_size=16, max_size=16),
    event_id=st.integers(min_value=0, max_value=2**64 - 1),
    start=st.integers(min_value=0, max_value=2**32 - 2),
    length=st.integers(min_value=0, max_value=10**6),
    name=st.text(max_size=40),
)
def test_any_claims_survive_signing_and_verifying(
    ticket_id: bytes, event_id: int, start: int, length: int, name: str
) -> None:
    claims = TicketClaims(
        key_id=_KID,
        ticket_id=ticket_id.hex(),
        event_id=event_id,
        valid_from=datetime.fromtimestamp(start, UTC),
        valid_until=datetime.fromtimestamp(min(start + length, 2**32 - 1), UTC),
        holder_initials=holder_initials(name),
    )
    code = sign_ticket(claims, private_key=_KEY)
    assert verify_ticket(code, public_keys={_KID: _KEY.public_key()}) == claims


@given(st.one_of(st.binary(max_size=200).map(b32), st.text(max_size=200)))
def test_garbage_is_refused_with_a_ticket_error_never_a_crash(text: str) -> None:
    with pytest.raises(TicketError):
        verify_ticket(text, public_keys={_KID: _KEY.public_key()})
