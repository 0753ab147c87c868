# Two entry points on a fresh machine: `make demo` and `make test`.
# Both bootstrap .venv; nothing else needs installing by hand (PostgreSQL is embedded).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 8000

# Compiled translations (git-ignored), rebuilt whenever their catalog changes.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
LANGUAGES_TO_TRANSLATE := de fr es ja ar

.PHONY: demo test lint install stop bench bench-tenants messages

$(STAMP): pyproject.toml
	@# WeasyPrint needs Pango from the system; install it when the machine lacks it.
	@$(PYTHON) -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('pangoft2-1.0'))" || \
		(apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)
	@# Ticket PDFs render about 3x faster with HarfBuzz's font subsetter (WeasyPrint falls back to fontTools).
	@$(PYTHON) -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('harfbuzz-subset'))" || \
		(apt-get update -qq && apt-get install -y -qq libharfbuzz-subset0 >/dev/null) || \
		echo "note: libharfbuzz-subset0 could not be installed; ticket PDFs render slower"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Babel compiles the catalogs in pure Python (it is a dependency already), so the build needs
# no system gettext; it refuses a translation whose %(placeholders)s differ from the original.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(VENV)/bin/pybabel compile --domain=django --directory=locale --locale=$* --statistics

# The browser tests (pytest -m browser, part of `make test`) drive Debian's Chromium through
# Playwright: Playwright's own browser download cannot run here. Installed only when missing.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

install: $(STAMP) $(MO_FILES) $(CHROMIUM)

# Extract new strings into the catalogs (then translate them; tests refuse untranslated ones).
# Extraction is Django's makemessages, which needs gettext's xgettext.
messages: install
	@command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(PY) manage.py makemessages $(addprefix -l ,$(LANGUAGES_TO_TRANSLATE)) --no-obsolete --no-location \
		--ignore=.venv --ignore=.data --ignore=build --ignore=tests --ignore=bench

demo: export PLATFORM_PUBLIC_PORT = $(PORT)
demo: install
	$(PY) manage.py migrate_schemas --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py fill_schema_pool
	@# Without STRIPE_SECRET_KEY the demo talks to localstripe on loopback (controlplane/local_stripe.py).
	@test -n "$$STRIPE_SECRET_KEY" || $(PY) -m controlplane.local_stripe start --port $${LOCAL_STRIPE_PORT:-8420} --data-dir .data/localstripe
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

# On-sale rush over HTTP (gunicorn + wrk + a Celery worker on a private Redis); prints orders/s,
# p50/p99 latency and sold vs capacity, and fails on any oversell or lost order.
bench: install
	bash bench/onsale.sh

# CPU per order on the one-page checkout, in-process (valid on a busy machine, unlike `make bench`):
# Django and PostgreSQL CPU per order and the statements of one order. PROFILE_ARGS="--prof
# cumulative" adds a CPU profile, "--sql" lists the statements. Needs Redis on 127.0.0.1:6379.
PROFILE_ARGS ?=
.PHONY: bench-profile
bench-profile: install
	$(PY) manage.py migrate_schemas --noinput -v 0
	$(PY) bench/profile_order.py $(PROFILE_ARGS)

stop:
	$(PY) -m controlplane.embedded_postgres stop
	$(PY) -m controlplane.local_stripe stop --data-dir .data/localstripe

# migrate_schemas over many tenant schemas, batched executor against standard, in a
# database of its own (bench/migrate_tenants.py; figures also in bench-results/).
MIGRATION_BENCH_TENANTS ?= 200
.PHONY: bench-migrations
bench-migrations: install
	$(PY) bench/migrate_tenants.py --tenants $(MIGRATION_BENCH_TENANTS)

# Tenant scaling benchmark (prints a table, writes bench-results/tenants-*.json):
# provisioning from the pool and with migrate, storefront under wrk with 1 vs N tenants,
# gunicorn sync vs uvicorn. BENCH_ARGS=--quick runs 20 tenants in about a minute.
BENCH_ARGS ?=
bench-tenants: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) bench/bench_tenants.py $(BENCH_ARGS)
	$(MAKE) bench-migrations
