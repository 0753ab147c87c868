"""A shop's signing keys: sealed at rest, rotated without breaking issued tickets, revocable."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.core.management import call_command
from django.db import connection as default_connection
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from tenants.models import Tenant
from ticketing.audit.models import LogEntry
from ticketing.tickets import key_vault
from ticketing.tickets.errors import TicketError, TicketErrorCode
from ticketing.tickets.models import SigningKey
from ticketing.tickets.payload import public_keys_from_document, verify_ticket
from ticketing.tickets.selectors import verify_ticket_code
from ticketing.tickets.services import (
    ensure_signing_key,
    revoke_signing_key,
    rotate_signing_key,
    ticket_code,
)

from .conftest import Show, buy

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time


def _open(key: SigningKey) -> bytes:
    private_key = key_vault.open_private_key(
        bytes(key.sealed_private_key), key_id=key.key_id, public_key=key.public_key_bytes
    )
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


@pytest.mark.usefixtures("in_acme")
def test_the_private_key_is_stored_sealed_and_opens_only_with_the_application_secret(
    settings: SettingsWrapper,
) -> None:
    key = ensure_signing_key()
    raw_private = _open(key)
    sealed = bytes(key.sealed_private_key)
    assert raw_private not in sealed and len(raw_private) == 32
    assert key.public_key_bytes not in sealed

    settings.SECRET_KEY = "a-different-secret-after-a-leak-or-a-misconfiguration"
    with pytest.raises(TicketError) as refused:
        _open(key)
    assert refused.value.code == TicketErrorCode.KEY_UNREADABLE

    # Rotating SECRET_KEY the Django way keeps the keys readable through the fallbacks.
    settings.SECRET_KEY_FALLBACKS = ["insecure-local-development-key-change-me-in-production"]
    assert _open(key) == raw_private


@pytest.mark.usefixtures("in_acme")
def test_a_sealed_key_cannot_be_moved_onto_another_keys_row() -> None:
    first = ensure_signing_key()
    second = rotate_signing_key(actor=None)
    with pytest.raises(TicketError) as refused:
        key_vault.open_private_key(
            bytes(first.sealed_private_key), key_id=second.key_id, public_key=second.public_key_bytes
        )
    assert refused.value.code == TicketErrorCode.KEY_UNREADABLE


@pytest.mark.usefixtures("in_acme")
def test_rotation_keeps_issued_tickets_valid_and_revocation_withdraws_them(
    acme_client: Client, acme: Tenant, show: Show
) -> None:
    order = buy(show, standing=1, seated=0)
    ticket = order.tickets.get()
    old_code = ticket_code(ticket=ticket)
    old = ensure_signing_key()

    new = rotate_signing_key(actor=None, reason="yearly rotation")
    new_code = ticket_code(ticket=ticket)

    assert new.key_id != old.key_id
    assert verify_ticket_code(old_code).key_id == old.key_id
    assert verify_ticket_code(new_code).key_id == new.key_id
    document = acme_client.get("/tickets/public-key.json").json()
    connection.set_tenant(acme)
    assert {key["kid"]: key["status"] for key in document["keys"]} == {
        new.key_id: "active",
        old.key_id: "retired",
    }
    offline_keys = public_keys_from_document(document)
    assert verify_ticket(old_code, public_keys=offline_keys).ticket_id == ticket.public_id

    revoke_signing_key(key_id=old.key_id, actor=None, reason="leaked")
    with pytest.raises(TicketError) as withdrawn:
        verify_ticket_code(old_code)
    assert withdrawn.value.code == TicketErrorCode.UNKNOWN_KEY
    assert verify_ticket_code(new_code).ticket_id == ticket.public_id
    document = acme_client.get("/tickets/public-key.json").json()
    connection.set_tenant(acme)
    assert [key["kid"] for key in document["keys"]] == [new.key_id]
    assert list(
        LogEntry.objects.filter(action__startswith="signing_key.").values_list("action", "data__key_id")
    ) == [
        ("signing_key.revoked", old.key_id),
        ("signing_key.rotated", new.key_id),
        ("signing_key.created", old.key_id),
    ]


@pytest.mark.usefixtures("in_acme")
def test_revoking_the_active_key_starts_a_new_one() -> None:
    active = ensure_signing_key()
    revoke_signing_key(key_id=active.key_id, actor=None)
    replacement = SigningKey.objects.get(status=SigningKey.Status.ACTIVE)
    assert replacement.key_id != active.key_id
    with pytest.raises(TicketError) as unknown:
        revoke_signing_key(key_id="0badc0de", actor=None)
    assert unknown.value.code == TicketErrorCode.KEY_NOT_FOUND


@pytest.mark.usefixtures("in_acme")
def test_the_rotation_command_runs_in_a_shops_schema(capsys: pytest.CaptureFixture[str]) -> None:
    old = ensure_signing_key()
    call_command("tenant_command", "rotate_ticket_signing_key", "--reason=test", schema_name="acme")
    connection.set_schema("acme")
    new = SigningKey.objects.get(status=SigningKey.Status.ACTIVE)
    assert new.key_id != old.key_id
    assert f"Now signing with {new.key_id}." in capsys.readouterr().out


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_shop_processes_making_the_first_key_at_once_end_with_one_key() -> None:
    """Each thread is a worker on its own connection; the one-active-key constraint settles the race."""
    acme = Tenant.objects.get(schema_name="acme")  # not the fixture: it wraps the test in a transaction
    workers = 6
    start = threading.Barrier(workers)
    key_ids: list[str] = []
    failures: list[str] = []

    def first_use() -> None:
        connection.set_tenant(acme)
        try:
            start.wait()
            key_ids.append(ensure_signing_key().key_id)
        except Exception as error:  # reported below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=first_use) for _ in range(workers)]
    connection.set_tenant(acme)
    try:
        assert not SigningKey.objects.exists(), "the race needs a shop without a key yet"
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        connection.set_tenant(acme)
        assert failures == []
        assert len(key_ids) == workers
        assert len(set(key_ids)) == 1
        assert list(SigningKey.objects.values_list("key_id", "status")) == [(key_ids[0], "active")]
    finally:
        connection.set_tenant(acme)
        LogEntry.objects.filter(action__startswith="signing_key.").delete()
        SigningKey.objects.all().delete()
        connection.set_schema_to_public()
