"""Model instances read and written with fixed SQL, for the few statements the order path runs per request.

Compiling a queryset costs more Python than the query it sends (about a millisecond for
a select_related read), so the storefront's hottest reads write their SELECT once, with
the column lists taken from the models here so they follow migrations, and build the
instances from the rows as the ORM would. Writes that belong together go out as one
statement (``InsertStatement``): PostgreSQL's CPU per statement matters as much as Django's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.expressions import DatabaseDefault

M = TypeVar("M", bound=models.Model)

# psycopg turns a statement's %s placeholders into $n ones on every execution, and keeps the
# result (an LRU of 128 statements) only for statements of at most 4 kB and 50 parameters: ORMs
# make long statements of ever-changing shapes. An order's InsertStatement has 60 to 100
# parameters but few shapes (one per count of lines and tickets), and converting it anew cost
# 0.5 ms of the 3.5 ms of Django CPU an order takes (bench/profile_order.py). The limits are
# raised when the app loads (core.apps); tests/core/test_model_rows.py checks they take effect.
PSYCOPG_CACHED_STATEMENT_LENGTH = 16_384
PSYCOPG_CACHED_STATEMENT_PARAMS = 200


@contextmanager
def prepared_statements() -> Iterator[None]:
    """Have PostgreSQL keep the plans of the statements run inside, on this connection.

    psycopg then prepares each statement at its first execution here and reuses it after:
    PostgreSQL skips parsing and, mostly, planning. For the order path (one-page checkout, API
    order creation), whose few statements run hundreds of times a second: measured with
    bench/profile_order.py, PostgreSQL's CPU per order fell from 2.3 to about 1.2 ms. Not for
    everything (DATABASE_PREPARE_THRESHOLD): page views run many statements of many shapes,
    and a prepared statement is analysed again whenever the connection serves another shop
    (a search_path change), which costs about what preparing saved. PostgreSQL re-plans on
    such a change by itself, so a statement prepared for one shop never reads another's tables
    (tests/core/test_model_rows.py).
    """
    connection.ensure_connection()
    psycopg_connection = connection.connection
    previous = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = 0
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = previous


def let_psycopg_cache_long_statements() -> None:
    from psycopg import _queries

    _queries.MAX_CACHED_STATEMENT_LENGTH = max(
        _queries.MAX_CACHED_STATEMENT_LENGTH, PSYCOPG_CACHED_STATEMENT_LENGTH
    )
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(
        _queries.MAX_CACHED_STATEMENT_PARAMS, PSYCOPG_CACHED_STATEMENT_PARAMS
    )


def select_columns(model: type[models.Model], alias: str) -> str:
    """The model's concrete columns, qualified by ``alias``, in field order (as ``from_row`` reads them)."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def from_row(model: type[M], row: Sequence[Any], start: int = 0) -> tuple[M | None, int]:
    """The instance in ``row`` from ``start`` (None when a LEFT JOIN found nothing), and the next start."""
    fields = model._meta.concrete_fields
    end = start + len(fields)
    values = row[start:end]
    if values[0] is None:  # the primary key comes first: no row was joined
        return None, end
    return model.from_db(DEFAULT_DB_ALIAS, (), list(values)), end


def cache_related(instance: models.Model, field_name: str, related: models.Model | None) -> None:
    """Remember a row read with ``instance`` as select_related would, so accessing it sends no query."""
    instance._meta.get_field(field_name).set_cached_value(instance, related)  # type: ignore[union-attr]


class InsertStatement:
    """Rows of several models inserted in one statement: one round trip instead of one per table.

    Each ``add`` becomes a data-modifying CTE, ``INSERT INTO … VALUES … RETURNING``; columns
    and values come from the models' fields as ``Model.save()`` and ``bulk_create()`` take them
    (``pre_save``, ``get_db_prep_save``, ``db_default``), so a field added by a migration is
    written without touching this code. A foreign key to an instance added earlier in the same
    statement (``OrderLine(order=order)``) reads that row's id from its CTE; another column
    holding such an id says so with ``refer`` (``refer={"object_id": order}``). Only an instance
    added by itself can be referred to, so that its CTE returns exactly one row.

    ``execute()`` sends it and fills in what the database gave each instance (its primary key
    and any other returned columns, the foreign keys resolved in SQL), so the instances look as
    if saved one by one. Several rows of one ``add`` get their ids in the order they were given,
    as with ``bulk_create()``. No ``pre_save``/``post_save`` signals are sent (none are
    connected: services are the only writers).
    """

    def __init__(self) -> None:
        self._ctes: list[_InsertCte] = []
        self._pending: dict[int, str] = {}  # id(instance) -> the CTE returning its row alone

    def add(self, *instances: models.Model, refer: Mapping[str, models.Model] | None = None) -> None:
        """Insert these new instances of one model (several make one multi-row VALUES list)."""
        if not instances:
            return
        meta = instances[0]._meta
        with_pk = instances[0].pk is not None
        if any(instance._meta is not meta or (instance.pk is not None) != with_pk for instance in instances):
            raise ValueError("One add() inserts rows of one model, all with or all without a primary key.")
        cte = _InsertCte(name=f"{meta.db_table}_{len(self._ctes)}", instances=list(instances))
        fields = [
            field
            for field in meta.local_concrete_fields
            if not field.generated and (with_pk or field is not meta.auto_field)
        ]
        database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the thread-local proxy
        rows = []
        for instance in instances:
            values = []
            for field in fields:
                target = self._target(instance, field, refer or {})
                if target is not None:
                    cte.references.append((instance, field, target))
                    values.append(self._id_of(target))
                    continue
                value = field.pre_save(instance, add=True)
                if isinstance(value, DatabaseDefault):
                    values.append("DEFAULT")
                elif hasattr(value, "resolve_expression"):
                    raise ValueError(f"{field} holds an expression: InsertStatement takes values.")
                else:
                    values.append("%s")
                    cte.params.append(field.get_db_prep_save(value, database))
            rows.append(f"({', '.join(values)})")
        columns = ", ".join(f'"{field.column}"' for field in fields)
        returning = ", ".join(f'"{field.column}"' for field in meta.db_returning_fields)
        cte.sql = (
            f'"{cte.name}" AS (INSERT INTO "{meta.db_table}" ({columns}) '
            f"VALUES {', '.join(rows)} RETURNING {returning})"
        )
        self._ctes.append(cte)
        if len(instances) == 1:
            self._pending[id(instances[0])] = cte.name

    def _target(
        self, instance: models.Model, field: Any, refer: Mapping[str, models.Model]
    ) -> models.Model | None:
        """The instance of this statement whose new id ``field`` holds, if any."""
        if field.name in refer:
            target = refer[field.name]
        elif field.is_relation and field.is_cached(instance):
            target = field.get_cached_value(instance)
            if target is None or target.pk is not None:
                return None  # no row, or one that exists already: a plain value
        else:
            return None
        if id(target) not in self._pending:
            raise ValueError(f"{field} refers to a new {target._meta.model_name} not added here by itself.")
        return target

    def _id_of(self, target: models.Model) -> str:
        """SQL for the id the database gives ``target`` in this statement."""
        return f'(SELECT "{target._meta.pk.column}" FROM "{self._pending[id(target)]}")'

    def execute(self) -> None:
        """Send the statement and give each instance what the database returned for it."""
        if not self._ctes:
            return
        returned_arrays = ", ".join(
            f'ARRAY(SELECT "{field.column}" FROM "{cte.name}")'
            for cte in self._ctes
            for field in cte.returning_fields
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH {', '.join(cte.sql for cte in self._ctes)} SELECT {returned_arrays}",
                [param for cte in self._ctes for param in cte.params],
            )
            returned = iter(cursor.fetchone() or ())
        for cte in self._ctes:
            for field in cte.returning_fields:
                for instance, value in zip(cte.instances, next(returned), strict=True):
                    setattr(instance, field.attname, value)
        for cte in self._ctes:
            for instance, field, target in cte.references:
                # Through the field's name, a foreign key keeps the instance it points at cached.
                setattr(
                    instance,
                    field.name if field.is_relation else field.attname,
                    target if field.is_relation else target.pk,
                )
            for instance in cte.instances:
                instance._state.adding = False
                instance._state.db = DEFAULT_DB_ALIAS


@dataclasses.dataclass
class _InsertCte:
    name: str
    instances: list[models.Model]
    sql: str = ""
    params: list[Any] = dataclasses.field(default_factory=list)
    references: list[tuple[models.Model, Any, models.Model]] = dataclasses.field(default_factory=list)

    @property
    def returning_fields(self) -> list[Any]:
        return self.instances[0]._meta.db_returning_fields
