"""Model instances read with fixed SQL, for the few reads on the order path that run per request.

Compiling a queryset costs more Python than the query it sends (about a millisecond for
a select_related read), so the storefront's hottest reads write their SELECT once, with
the column lists taken from the models here so they follow migrations, and build the
instances from the rows as the ORM would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


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
    return model.from_db(connection.alias, (), list(values)), end


def cache_related(instance: models.Model, field_name: str, related: models.Model | None) -> None:
    """Remember a row read with ``instance`` as select_related would, so accessing it sends no query."""
    instance._meta.get_field(field_name).set_cached_value(instance, related)  # type: ignore[union-attr]
