"""The one place where inventory counters change, and how concurrent buyers are kept apart.

Every change is a single guarded UPDATE on a Stock row, for example

    UPDATE inventory_stock SET held = held + 2 WHERE id = 7 AND capacity - held - sold >= 2

PostgreSQL takes the row lock for the UPDATE and, under READ COMMITTED, re-checks the
WHERE clause against the newest committed row once a concurrent writer commits, so two
buyers can never both take the last ticket: the second UPDATE matches no row. Rows are
always locked in ascending id order, so two transactions touching the same rows queue
instead of deadlocking. The lock is held until commit, so callers change counters last,
just before their transaction commits. ``SET LOCAL lock_timeout`` bounds the wait: a
buyer who would queue longer gets a clear "busy, try again" and nothing changes. The
check constraint ``stock_never_oversold`` makes the database refuse any row that would
still oversell.

The lock timeout rides on the first UPDATE's guard (``_change_in_id_order``) rather than
taking a statement of its own. One statement for all the rows of a sale (a CTE locking them
with ORDER BY … FOR UPDATE, then one UPDATE from an unnest()) was measured and dropped:
PostgreSQL spent more planning it than running the two or three UPDATEs it replaced
(0.40 against 0.19 ms of its CPU per sale, bench/profile_order.py's machine).

A sale also answers, from the same UPDATEs (``RETURNING``, no extra query), whether it
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
    _require_transaction()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [settings.INVENTORY_LOCK_TIMEOUT])
    with _busy_is_try_again():
        yield


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("Inventory counters change only inside the caller's transaction.")


@contextmanager
def _busy_is_try_again() -> Iterator[None]:
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
    short, sold_out = _change_in_id_order(
        quantities, f"{column} = {column} + %s", "capacity - held - sold >= %s", 1
    )
    if short is not None:
        raise OutOfStock(short)
    return sold_out if into == "sold" else set()


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
    stuck, sold_out = _change_in_id_order(quantities, assignment, guard, uses)
    if stuck is not None:
        # Counters and hold/order lines disagree: a bug, never a buyer's mistake.
        raise RuntimeError(f"Stock {stuck} cannot give up {quantities[stuck]}: counters out of step.")
    return sold_out


def _change_in_id_order(
    quantities: Mapping[int, int], assignment: str, guard: str, uses: int
) -> tuple[int | None, set[int]]:
    """Run the guarded UPDATE on each stock row in ascending id order; gives the first it left
    unchanged (None when all changed) and the events whose overall stock is now all sold.

    The first UPDATE also sets the lock timeout, in its WHERE clause: PostgreSQL evaluates
    the WHERE clause on the row before it locks it (or waits for another's lock), so the
    timeout bounds every wait of the transaction without a round trip of its own. When the
    guard fails first the row is neither locked nor waited for, and the caller stops there.
    """
    _require_transaction()
    sold_out: set[int] = set()
    with _busy_is_try_again(), connection.cursor() as cursor:
        for position, stock_id in enumerate(sorted(quantities)):
            quantity = quantities[stock_id]
            sql = f"UPDATE inventory_stock SET {assignment} WHERE id = %s AND {guard}"
            params: list[int | str] = [*([quantity] * uses), stock_id, quantity]
            if position == 0:
                sql += " AND set_config('lock_timeout', %s, true) IS NOT NULL"
                params.append(settings.INVENTORY_LOCK_TIMEOUT)
            cursor.execute(f"{sql} RETURNING {_SOLD_OUT_EVENT}", params)
            row = cursor.fetchone()
            if row is None:
                return stock_id, sold_out
            if row[0] is not None:
                sold_out.add(row[0])
    return None, sold_out
