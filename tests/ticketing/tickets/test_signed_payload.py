"""A ticket's signed code verifies offline with its own shop's published key, and with nothing else."""

from __future__ import annotations

import base64
import string
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from ticketing.tickets.errors import TicketError, TicketErrorCode
from ticketing.tickets.payload import key_id_for, public_keys_from_document, verify_ticket
from ticketing.tickets.selectors import verification_keys, verify_ticket_code
from ticketing.tickets.services import ticket_code

from .conftest import ENDS_AT, STARTS_AT, Show, buy

pytestmark = pytest.mark.usefixtures("in_acme")

BASE32 = string.ascii_uppercase + "234567"


def published(client: Client) -> dict[str, Any]:
    response = client.get("/tickets/public-key.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


def unb32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def test_a_ticket_code_verifies_offline_with_the_shops_published_key(acme_client: Client, show: Show) -> None:
    ticket = buy(show, standing=1, seated=0).tickets.get()
    code = ticket_code(ticket=ticket)
    document = published(acme_client)  # what a scanner downloads once, before going offline

    claims = verify_ticket(code, public_keys=public_keys_from_document(document), at=STARTS_AT)

    assert claims.ticket_id == ticket.public_id
    assert claims.event_id == show.event.pk
    assert claims.holder_initials == "AL"
    assert (claims.valid_from, claims.valid_until) == (
        STARTS_AT - timedelta(hours=12),
        ENDS_AT + timedelta(hours=6),
    )
    assert document["issuer"] == "acme" and document["payload_version"] == 1
    assert [key["kid"] for key in document["keys"]] == [claims.key_id]
    assert set(code) <= set(BASE32)  # QR alphanumeric mode
    assert len(code) == 167  # 104 bytes with two initials
    assert verify_ticket_code(code) == claims  # the server-side check agrees


def test_a_ticket_code_fails_with_another_shops_key(
    acme_client: Client, bravo_client: Client, show: Show
) -> None:
    code = ticket_code(ticket=buy(show, standing=1, seated=0).tickets.get())
    acme_keys = public_keys_from_document(published(acme_client))
    bravo_keys = public_keys_from_document(published(bravo_client))

    with pytest.raises(TicketError) as unknown:
        verify_ticket(code, public_keys=bravo_keys)
    assert unknown.value.code == TicketErrorCode.UNKNOWN_KEY

    # Even filed under acme's key id, bravo's key does not accept acme's signature.
    (acme_kid,) = acme_keys
    (bravo_key,) = bravo_keys.values()
    with pytest.raises(TicketError) as forged:
        verify_ticket(code, public_keys={acme_kid: bravo_key})
    assert forged.value.code == TicketErrorCode.BAD_SIGNATURE


def test_each_shop_has_its_own_key_pair(acme_client: Client, bravo_client: Client) -> None:
    (acme_key,) = published(acme_client)["keys"]
    (bravo_key,) = published(bravo_client)["keys"]
    assert acme_key["x"] != bravo_key["x"]
    assert acme_key["kid"] != bravo_key["kid"]
    for key in (acme_key, bravo_key):
        assert (key["kty"], key["crv"], key["alg"], key["status"]) == ("OKP", "Ed25519", "EdDSA", "active")
        assert key["kid"] == key_id_for(base64.urlsafe_b64decode(key["x"] + "="))
    # Asking again gives the same key: one pair per shop, made once.
    assert published(acme_client)["keys"] == [acme_key]


def test_altering_any_byte_of_a_ticket_code_makes_it_fail(show: Show) -> None:
    code = ticket_code(ticket=buy(show, standing=1, seated=0).tickets.get())
    keys = verification_keys()
    signed = unb32(code)
    assert verify_ticket(b32(signed), public_keys=keys).holder_initials == "AL"
    for index in range(len(signed)):
        for flip in (0x01, 0x80):
            altered = bytearray(signed)
            altered[index] ^= flip
            with pytest.raises(TicketError):
                verify_ticket(b32(bytes(altered)), public_keys=keys)
    for cut in (signed[:-1], signed + b"\0", signed[:40]):
        with pytest.raises(TicketError):
            verify_ticket(b32(cut), public_keys=keys)


def test_altering_any_character_of_a_ticket_code_makes_it_fail(show: Show) -> None:
    code = ticket_code(ticket=buy(show, standing=1, seated=0).tickets.get())
    keys = verification_keys()
    for index, original in enumerate(code):
        for replacement in BASE32.replace(original, ""):
            with pytest.raises(TicketError):
                verify_ticket(code[:index] + replacement + code[index + 1 :], public_keys=keys)
    with pytest.raises(TicketError):
        verify_ticket(code.lower(), public_keys=keys)


def test_a_ticket_code_is_valid_only_around_its_event(show: Show) -> None:
    code = ticket_code(ticket=buy(show, standing=1, seated=0).tickets.get())
    keys = verification_keys()
    verify_ticket(code, public_keys=keys, at=STARTS_AT - timedelta(hours=12))
    verify_ticket(code, public_keys=keys, at=ENDS_AT + timedelta(hours=6))
    with pytest.raises(TicketError) as early:
        verify_ticket(code, public_keys=keys, at=STARTS_AT - timedelta(hours=12, seconds=1))
    assert early.value.code == TicketErrorCode.NOT_YET_VALID
    with pytest.raises(TicketError) as late:
        verify_ticket(code, public_keys=keys, at=ENDS_AT + timedelta(hours=6, seconds=1))
    assert late.value.code == TicketErrorCode.EXPIRED


def test_a_document_whose_key_id_does_not_match_its_key_is_refused(acme_client: Client) -> None:
    document = published(acme_client)
    document["keys"][0]["kid"] = "00000000"
    with pytest.raises(TicketError) as refused:
        public_keys_from_document(document)
    assert refused.value.code == TicketErrorCode.UNKNOWN_KEY
