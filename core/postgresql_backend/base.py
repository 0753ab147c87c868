"""django-tenants' PostgreSQL backend, without a ``SET search_path`` per request when the schema stays.

django-tenants forgets the search_path it set whenever a schema is chosen, and its middleware
chooses two per request (public, then the shop's), so every request starts with
``SET search_path`` on its persistent connection: one round trip, most often setting what is
already set. This remembers what the server has and skips the statement when a request wants
the same path. It forgets it wherever django-tenants does, that is wherever the server's
setting may have changed: a rollback or savepoint rollback (a ``SET`` is transactional), a
failed ``SET``, and closing the connection.
"""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.server_search_path: list[str] | None = None  # as last set on this connection
        super().__init__(*args, **kwargs)

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        super().set_tenant(tenant, include_public)
        if self.server_search_path is not None and self.server_search_path == self._get_cursor_search_paths():
            self.search_path_set_schemas = self.server_search_path

    def _handle_search_path(self, cursor: Any = None) -> None:
        super()._handle_search_path(cursor)
        if not self._setting_search_path:
            self.server_search_path = self.search_path_set_schemas

    def close(self) -> None:
        self.server_search_path = None
        super().close()

    def rollback(self) -> None:
        self.server_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid: Any) -> None:
        try:
            super().savepoint_rollback(sid)
        finally:
            self.server_search_path = None
