# Two entry points on a fresh machine: `make demo` and `make test`.
# Both bootstrap .venv; nothing else needs installing by hand (PostgreSQL is embedded).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 8000

.PHONY: demo test lint install stop bench bench-tenants

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: install
	$(PY) manage.py migrate_schemas --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py fill_schema_pool
	@echo "Serving on http://localhost:$(PORT)/ (Ctrl-C stops; 'make stop' stops the embedded PostgreSQL)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

lint: install
	$(PY) -m ruff check .
	$(PY) -m mypy .

stop:
	$(PY) -m controlplane.embedded_postgres stop

# Tenant scaling benchmark (prints a table, writes bench-results/tenants-*.json):
# provisioning from the pool and with migrate, storefront under wrk with 1 vs N tenants,
# gunicorn sync vs uvicorn. BENCH_ARGS=--quick runs 20 tenants in about a minute.
BENCH_ARGS ?=
bench-tenants: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) bench/bench_tenants.py $(BENCH_ARGS)
	@if $(MAKE) -n bench-migrations >/dev/null 2>&1; then $(MAKE) bench-migrations; \
	else echo "(no bench-migrations target on this branch yet: migration timings are skipped)"; fi
