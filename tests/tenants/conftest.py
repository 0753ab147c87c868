"""Fixtures for migrating schemas: scratch schemas and test-only catalog migrations."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from pytest_django.fixtures import Settings as SettingsWrapper

from tenants.context import activate_public_schema
from tests.tenants.catalog_migration_stages import APP_LABEL, CatalogStages

ScratchSchemas = Callable[[int], list[str]]


@pytest.fixture
def scratch_schemas(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[ScratchSchemas]:
    """Makes empty schemas (no tenant rows) with real commits; drops them after the test.

    Migrating commits schema by schema, so these tests run outside the per-test
    transaction, on schemas no other test knows about.
    """
    created: list[str] = []

    def make(count: int) -> list[str]:
        names = [f"scratch_{secrets.token_hex(4)}" for _ in range(count)]
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'CREATE SCHEMA "{name}"')
        created.extend(names)
        return names

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        database = connection.settings_dict
        assert database["NAME"] == database["TEST"]["NAME"], "scratch schemas belong in the test database"
        try:
            yield make
        finally:
            activate_public_schema()
            with connection.cursor() as cursor:
                for name in created:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


class CatalogMigrations:
    """Switches the catalog app to a package of its real migrations plus test ones."""

    def __init__(self, stages: CatalogStages, settings: SettingsWrapper) -> None:
        self.stages = stages
        self.settings = settings

    def use(self, *test_migrations: str, squashed: bool = False) -> None:
        package = self.stages.package(*test_migrations, squashed=squashed)
        self.settings.MIGRATION_MODULES = {APP_LABEL: package}

    def use_shipped(self) -> None:
        self.settings.MIGRATION_MODULES = {}


@pytest.fixture
def catalog_migrations(
    tmp_path: Path, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> CatalogMigrations:
    monkeypatch.syspath_prepend(str(tmp_path))
    return CatalogMigrations(CatalogStages(tmp_path), settings)
