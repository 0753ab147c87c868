"""Migrations that exist only in tests, added on top of the real catalog app's.

The migration executors are tested with migrations the shipped apps do not have (an
added column, a data migration, a new model, one that fails, one that is not
atomic). They are written as files into a temporary package that re-exports the
catalog app's real migrations and appends the chosen test ones; MIGRATION_MODULES
points the catalog app at it for one test. Nothing is installed or imported into the
app registry, so the rest of the suite never sees them, and they only ever touch the
scratch schemas a test creates.

Their models belong to the catalog app (a tenant app, so django-tenants' router
lets them into tenant schemas only) but are new ones, independent of catalog's own
models: ``BatchTestShow`` and ``BatchTestLedger``.
"""

from __future__ import annotations

import importlib
import itertools
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

APP_LABEL = "catalog"

_HEADER = "from django.db import migrations, models\n\n\n"

# Each source names the migration before it as {previous}; the stage fills it in.
TEST_MIGRATIONS: dict[str, str] = {
    "9001_batch_test_show": _HEADER
    + """class Migration(migrations.Migration):
    dependencies = [("catalog", "{previous}")]
    operations = [
        migrations.CreateModel(
            name="BatchTestShow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=100)),
                ("slug", models.SlugField(max_length=100, unique=True)),
            ],
        ),
    ]
""",
    "9002_batch_test_show_note": _HEADER
    + """class Migration(migrations.Migration):
    dependencies = [("catalog", "{previous}")]
    operations = [
        migrations.AddField(
            model_name="batchtestshow",
            name="note",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
    ]
""",
    "9003_batch_test_ledger": _HEADER
    + '''def note_own_shows(apps, schema_editor):
    """Note every show of this schema and write one ledger row about them."""
    Show = apps.get_model("catalog", "BatchTestShow")
    Ledger = apps.get_model("catalog", "BatchTestLedger")
    ContentType = apps.get_model("contenttypes", "ContentType")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    for show in Show.objects.all():
        show.note = f"noted in {schema}"
        show.save(update_fields=["note"])
    names = sorted(Show.objects.values_list("name", flat=True))
    Ledger.objects.create(
        schema_name=schema,
        show_count=len(names),
        show_names=",".join(names),
        # Cached by the historical ContentType manager: a cache shared between
        # schemas would answer with another schema's id.
        show_content_type_id=ContentType.objects.get_for_model(Show).pk,
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "{previous}"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [
        migrations.CreateModel(
            name="BatchTestLedger",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("schema_name", models.CharField(max_length=63)),
                ("show_count", models.IntegerField()),
                ("show_names", models.TextField()),
                ("show_content_type_id", models.IntegerField()),
            ],
        ),
        migrations.RunPython(note_own_shows, migrations.RunPython.noop),
    ]
''',
    # contenttypes' pre_migrate receiver adds an operation renaming the content type row.
    "9003_batch_test_rename_show": _HEADER
    + """class Migration(migrations.Migration):
    dependencies = [("catalog", "{previous}")]
    operations = [migrations.RenameModel(old_name="BatchTestShow", new_name="BatchTestAct")]
""",
    "9004_batch_test_unique_show_name": _HEADER
    + """class Migration(migrations.Migration):
    dependencies = [("catalog", "{previous}")]
    operations = [
        migrations.AddConstraint(
            model_name="batchtestshow",
            constraint=models.UniqueConstraint(fields=["name"], name="batch_test_unique_show_name"),
        ),
    ]
""",
    # CREATE INDEX CONCURRENTLY refuses to run inside a transaction: this migration
    # only succeeds through a path that honours ``atomic = False``.
    "9004_batch_test_note_index_concurrently": _HEADER
    + """from django.contrib.postgres.operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("catalog", "{previous}")]
    operations = [
        AddIndexConcurrently(
            "batchtestshow", models.Index(fields=["note"], name="batch_test_show_note_idx")
        ),
    ]
""",
    "9001_batch_test_fails": _HEADER
    + """def fail(apps, schema_editor):
    raise RuntimeError("batch test migration fails on purpose")


class Migration(migrations.Migration):
    dependencies = [("catalog", "{previous}")]
    operations = [migrations.RunPython(fail)]
""",
    # Squashes 9002 and 9003 (with the same operations), for the replacement rules.
    "9002_batch_test_squashed_9003": _HEADER
    + """from importlib import import_module


class Migration(migrations.Migration):
    replaces = [("catalog", "9002_batch_test_show_note"), ("catalog", "9003_batch_test_ledger")]
    dependencies = [("catalog", "{previous}"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [
        *import_module("{package}.9002_batch_test_show_note").Migration.operations,
        *import_module("{package}.9003_batch_test_ledger").Migration.operations,
    ]
""",
}

_counter = itertools.count()


class CatalogStages:
    """Writes migration packages for the catalog app: its real migrations plus test ones.

    ``root`` must be on sys.path.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        loader = MigrationLoader(None)
        self.real_package = MigrationLoader.migrations_module(APP_LABEL)[0]
        self.real_names = sorted(name for app, name in loader.disk_migrations if app == APP_LABEL)
        (self.real_leaf,) = (name for _, name in loader.graph.leaf_nodes(APP_LABEL))

    def package(self, *test_migrations: str, squashed: bool = False) -> str:
        """A migrations package with the real migrations and ``test_migrations`` in this order.

        With ``squashed``, 9002_batch_test_squashed_9003 is added next to the 9002 and
        9003 it replaces (so it follows 9001).
        """
        package = f"catalog_stage_{next(_counter)}_{len(test_migrations)}"
        directory = self.root / package
        directory.mkdir()
        (directory / "__init__.py").write_text("")
        for name in self.real_names:
            (directory / f"{name}.py").write_text(
                "from importlib import import_module\n\n"
                f'Migration = import_module("{self.real_package}.{name}").Migration\n'
            )
        previous = self.real_leaf
        for name in test_migrations:
            source = TEST_MIGRATIONS[name]
            (directory / f"{name}.py").write_text(source.replace("{previous}", previous))
            previous = name
        if squashed:
            source = TEST_MIGRATIONS["9002_batch_test_squashed_9003"]
            (directory / "9002_batch_test_squashed_9003.py").write_text(
                source.replace("{previous}", "9001_batch_test_show").replace("{package}", package)
            )
        importlib.invalidate_caches()
        return package
