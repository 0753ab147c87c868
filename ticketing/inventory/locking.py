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

The rows of one sale (a ticket type's and the event's, an add-on's) change in a single
statement, lock timeout included (``_change_in_id_order``): one round trip, not three.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal

from django.conf import settings
from django.db import DatabaseError, connection

from ticketing.inventory.errors import InventoryError, InventoryErrorCode

_LOCK_NOT_AVAILABLE = "55P03"
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


def take(quantities: Mapping[int, int], *, into: Literal["held", "sold"]) -> None:
    """Add quantities (by stock id) to ``held`` or ``sold`` where they fit; raises OutOfStock otherwise.

    On OutOfStock some rows may have changed: the caller's transaction must roll back (it
    does, as the error leaves its atomic block), so nothing is taken.
    """
    column = {"held": "held", "sold": "sold"}[into]
    changed = _change_in_id_order(
        quantities,
        f"{column} = stock.{column} + wanted.quantity",
        guard="stock.capacity - stock.held - stock.sold >= wanted.quantity",
    )
    short = sorted(set(quantities) - changed)
    if short:
        raise OutOfStock(short[0])


def convert_held_to_sold(quantities: Mapping[int, int]) -> None:
    """Turn held units into sold ones (a hold becomes an order); capacity is already reserved."""
    _move(quantities, "held = stock.held - wanted.quantity, sold = stock.sold + wanted.quantity", "held")


def give_back(quantities: Mapping[int, int], *, from_: Literal["held", "sold"]) -> None:
    """Return units to sale: an expired or released hold (held), a cancelled or refunded ticket (sold)."""
    column = {"held": "held", "sold": "sold"}[from_]
    _move(quantities, f"{column} = stock.{column} - wanted.quantity", column)


def resize(stock_id: int, capacity: int) -> None:
    """Set a stock's capacity, never below what is already held and sold."""
    with bounded_wait(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_stock SET capacity = %s WHERE id = %s AND held + sold <= %s",
            [capacity, stock_id, capacity],
        )
        if cursor.rowcount != 1:
            raise OutOfStock(stock_id)


def _move(quantities: Mapping[int, int], assignment: str, taken_from: str) -> None:
    changed = _change_in_id_order(quantities, assignment, guard=f"stock.{taken_from} >= wanted.quantity")
    if changed != set(quantities):
        # Counters and hold/order lines disagree: a bug, never a buyer's mistake.
        stock_id = min(set(quantities) - changed)
        raise RuntimeError(f"Stock {stock_id} cannot give up {quantities[stock_id]}: counters out of step.")


def _change_in_id_order(quantities: Mapping[int, int], assignment: str, *, guard: str) -> set[int]:
    """Lock the stock rows in ascending id order, change those passing ``guard``; gives their ids.

    One statement. The CTE locks the rows: with ORDER BY and FOR UPDATE, PostgreSQL orders
    the rows before it locks them, so they are locked in id order, and only after the lock
    timeout is set, since every row reaching the lock comes out of a join with the
    ``set_config`` call. The UPDATE then changes each row its guard allows, checked against
    the row's newest version (READ COMMITTED re-reads a row changed since the statement
    began); ``wanted.quantity`` is the row's quantity.
    """
    _require_transaction()
    if not quantities:
        return set()
    stock_ids = sorted(quantities)
    with _busy_is_try_again(), connection.cursor() as cursor:
        cursor.execute(
            "WITH wanted AS MATERIALIZED ("
            " SELECT stock.id, asked.quantity FROM inventory_stock stock"
            " JOIN unnest(%(ids)s::bigint[], %(quantities)s::integer[]) AS asked (id, quantity)"
            " ON asked.id = stock.id"
            " CROSS JOIN (SELECT set_config('lock_timeout', %(timeout)s, true)) AS lock_timeout"
            " WHERE stock.id = ANY(%(ids)s::bigint[])"  # the planner then knows how few rows: by index
            " ORDER BY stock.id FOR UPDATE OF stock"
            f") UPDATE inventory_stock stock SET {assignment} FROM wanted"
            " WHERE stock.id = ANY(%(ids)s::bigint[]) AND stock.id = wanted.id"
            f" AND {guard} RETURNING stock.id",
            {
                "ids": stock_ids,
                "quantities": [quantities[stock_id] for stock_id in stock_ids],
                "timeout": settings.INVENTORY_LOCK_TIMEOUT,
            },
        )
        return {row[0] for row in cursor.fetchall()}
