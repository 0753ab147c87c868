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
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Babel compiles the catalogs in pure Python (it is a dependency already), so the build needs
# no system gettext; it refuses a translation whose %(placeholders)s differ from the original.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(VENV)/bin/pybabel compile --domain=django --directory=locale --locale=$* --statistics

install: $(STAMP) $(MO_FILES)

# Extract new strings into the catalogs (then translate them; tests refuse untranslated ones).
# Extraction is Django's makemessages, which needs gettext's xgettext.
messages: install
	@command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(PY) manage.py makemessages $(addprefix -l ,$(LANGUAGES_TO_TRANSLATE)) --no-obsolete \
		--ignore=.venv --ignore=.data --ignore=build --ignore=tests --ignore=bench

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

# On-sale rush over HTTP (gunicorn + wrk + a Celery worker on a private Redis); prints orders/s,
# p50/p99 latency and sold vs capacity, and fails on any oversell or lost order.
bench: install
	bash bench/onsale.sh

stop:
	$(PY) -m controlplane.embedded_postgres stop
