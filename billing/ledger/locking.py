"""How writers that draw on a balance are kept apart: one row lock per reseller and currency.

Sales only add money, so they take no lock and never wait. Refunds, chargebacks,
releases, fee settlements and payouts read a balance and then draw on it; they lock the
reseller's LedgerBook row for the currency first, so two of them can never both spend
the same money. The lock lasts until the caller's transaction commits; ``lock_timeout``
bounds the wait, and a timeout becomes a clear "busy, try again" with nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection

from billing.ledger.errors import LedgerError, LedgerErrorCode
from billing.ledger.models import LedgerBook
from tenants.models import Tenant

_LOCK_NOT_AVAILABLE = "55P03"
_DEADLOCK_DETECTED = "40P01"


@contextmanager
def _bounded_wait() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [settings.LEDGER_LOCK_TIMEOUT])
    try:
        yield
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) in (_LOCK_NOT_AVAILABLE, _DEADLOCK_DETECTED):
            raise LedgerError(
                LedgerErrorCode.BUSY,
                "The reseller's balance is being changed by another operation. Nothing was done; "
                "please try again in a moment.",
                http_status=503,
            ) from error
        raise


def lock_book(*, tenant: Tenant, currency: str) -> LedgerBook:
    """Lock (creating it when new) the reseller's book in ``currency`` until the transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("A ledger book is locked only inside the caller's transaction.")
    # ON CONFLICT DO NOTHING: no savepoint needed when two first writers race.
    LedgerBook.objects.bulk_create([LedgerBook(tenant=tenant, currency=currency)], ignore_conflicts=True)
    with _bounded_wait():
        return LedgerBook.objects.select_for_update().get(tenant=tenant, currency=currency)
