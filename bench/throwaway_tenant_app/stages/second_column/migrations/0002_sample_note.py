# Same as bench.throwaway_tenant_app.stages.added_column.migrations.0002_sample_note: this stage only adds what follows it.
from importlib import import_module

Migration = import_module("bench.throwaway_tenant_app.stages.added_column.migrations.0002_sample_note").Migration
