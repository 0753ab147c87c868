"""The current schema of the tenant-aware database connection, typed.

django-tenants adds these attributes to the connection at run time; the stubs do not
know them, so code asks here instead of repeating type-ignores.
"""

from django.db import connection


def current_schema_name() -> str:
    return connection.schema_name  # type: ignore[attr-defined]


def activate_public_schema() -> None:
    connection.set_schema_to_public()  # type: ignore[attr-defined]
