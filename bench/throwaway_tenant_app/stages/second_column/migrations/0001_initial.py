# Same as bench.throwaway_tenant_app.migrations.0001_initial: this stage only adds what follows it.
from importlib import import_module

Migration = import_module("bench.throwaway_tenant_app.migrations.0001_initial").Migration
