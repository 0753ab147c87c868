"""The one place where inventory counters change, and how concurrent buyers are kept apart.

Every change is a single guarded UPDATE on a Stock row, for example

    UPDATE inventory_stock SET held = held + 2 WHERE id = 7 AND capacity - held - sold >= 2

PostgreSQL takes the row lock for the UPDATE and, under READ COMMITTED, re-checks the
WHERE clause against the newest committed row once a concurrent writer commits, so two
buyers can never both take the last ticket: the second UPDATE matches no row. Rows are
always updated in ascending id order, so two transactions touching the same rows queue
instead of deadlocking. The lock is held until commit, so callers change counters last,
just before their transaction commits. ``SET LOCAL lock_timeout`` bounds the wait: a
buyer who would queue longer gets a clear "busy, try again" and nothing changes. The
check constraint ``stock_never_oversold`` makes the database refuse any row that would
still oversell.

A sale also answers, from the same UPDATE (``RETURNING``, no extra query), whether it
sold an event's last ticket, so the caller can record ``event.sold_out``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal

from django.conf import settings
from django.db import DatabaseError, connection

from ticketing.inventory.errors import InventoryError, InventoryErrorCode

_LOCK_NOT_AVAILABLE = "55P03"
# The event id when this row is an event's overall stock and every unit is now sold.
_SOLD_OUT_EVENT = (
    "CASE WHEN ticket_type_id IS NULL AND addon_id IS NULL AND sold = capacity THEN event_id END"
)
_DEADLOCK_DETECTED = "40P01"


class OutOfStock(Exception):
    """A guarded UPDATE matched no row: the stock row ``stock_id`` has fewer left than asked."""

    def __init__(self, stock_id: int) -> None:
        super().__init__(stock_id)
        self.stock_id = stock_id


@contextmanager
def bounded_wait() -> Iterator[None]:
    """Run guarded UPDATEs under the lock timeout; a timeout or deadlock becomes "busy, try again".

    Other counters with the same shape (promo code uses) run under it too, so a buyer
    never waits on any row lock longer than INVENTORY_LOCK_TIMEOUT.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("Inventory counters change only inside the caller's transaction.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [settings.INVENTORY_LOCK_TIMEOUT])
    try:
        yield
    except DatabaseError as error:
        sqlstate = getattr(error.__cause__, "sqlstate", None)
        if sqlstate in (_LOCK_NOT_AVAILABLE, _DEADLOCK_DETECTED):
            raise InventoryError(
                InventoryErrorCode.BUSY,
                "So many people are buying right now that we could not reserve your tickets. "
                "Nothing was booked; please try again in a moment.",
                http_status=503,
            ) from error
        raise


def take(quantities: Mapping[int, int], *, into: Literal["held", "sold"]) -> set[int]:
    """Add quantities (by stock id) to ``held`` or ``sold`` where they fit; raises OutOfStock otherwise.

    Gives the ids of the events this sold out (none when only holding).
    """
    column = {"held": "held", "sold": "sold"}[into]
    sold_out: set[int] = set()
    with bounded_wait(), connection.cursor() as cursor:
        for stock_id in sorted(quantities):
            quantity = quantities[stock_id]
            cursor.execute(
                f"UPDATE inventory_stock SET {column} = {column} + %s "
                f"WHERE id = %s AND capacity - held - sold >= %s RETURNING {_SOLD_OUT_EVENT}",
                [quantity, stock_id, quantity],
            )
            row = cursor.fetchone()
            if row is None:
                raise OutOfStock(stock_id)
            if row[0] is not None and into == "sold":
                sold_out.add(row[0])
    return sold_out


def convert_held_to_sold(quantities: Mapping[int, int]) -> set[int]:
    """Turn held units into sold ones (a hold becomes an order); capacity is already reserved.

    Gives the ids of the events this sold out.
    """
    return _move(quantities, "held = held - %s, sold = sold + %s", "held >= %s", 2)


def give_back(quantities: Mapping[int, int], *, from_: Literal["held", "sold"]) -> None:
    """Return units to sale: an expired or released hold (held), a cancelled or refunded ticket (sold)."""
    column = {"held": "held", "sold": "sold"}[from_]
    _move(quantities, f"{column} = {column} - %s", f"{column} >= %s", 1)


def resize(stock_id: int, capacity: int) -> None:
    """Set a stock's capacity, never below what is already held and sold."""
    with bounded_wait(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_stock SET capacity = %s WHERE id = %s AND held + sold <= %s",
            [capacity, stock_id, capacity],
        )
        if cursor.rowcount != 1:
            raise OutOfStock(stock_id)


def _move(quantities: Mapping[int, int], assignment: str, guard: str, uses: int) -> set[int]:
    sold_out: set[int] = set()
    with bounded_wait(), connection.cursor() as cursor:
        for stock_id in sorted(quantities):
            quantity = quantities[stock_id]
            cursor.execute(
                f"UPDATE inventory_stock SET {assignment} "
                f"WHERE id = %s AND {guard} RETURNING {_SOLD_OUT_EVENT}",
                [*([quantity] * uses), stock_id, quantity],
            )
            row = cursor.fetchone()
            if row is None:
                # Counters and hold/order lines disagree: a bug, never a buyer's mistake.
                raise RuntimeError(f"Stock {stock_id} cannot give up {quantity}: counters out of step.")
            if row[0] is not None:
                sold_out.add(row[0])
    return sold_out
