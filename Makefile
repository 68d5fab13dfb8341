# One task runner: make demo, make check, make test-fast, make test, make bench.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install demo check lint test test-fast test-sqlite test-postgresql minimal-install bench clean system-packages

$(BIN)/vigie: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BIN)/vigie

install: $(BIN)/vigie

demo: install
	$(BIN)/vigie demo

# What CI runs (.ci/run): check, then the whole suite on SQLite, then on PostgreSQL (a server is
# started if none answers).
test: install system-packages check minimal-install test-sqlite test-postgresql

# What `pip install vigie` gives a new user, in a fresh venv with no extras: `vigie demo --no-serve`
# on a fresh VIGIE_HOME, and every module imports (scripts/minimal-install; about a minute).
minimal-install:
	PYTHON=$(PYTHON) scripts/minimal-install

# Debian's Chromium (browser tests) and a Java runtime (Spark test), when missing.
system-packages:
	scripts/ensure-system-packages

# What a change must pass before its tests: format, lint, the engines' types, no missing migration.
check: install
	$(BIN)/ruff format --check --output-format concise src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=vigie.settings.test $(BIN)/django-admin makemigrations --check --dry-run

lint: check  # the former name

# Everything but the tests marked slow (browser, Spark, schemathesis, subprocesses, the walks over
# every route as every persona), on SQLite, one pytest-xdist worker per core (WORKERS=2 to choose):
# each worker has its own test database and its own folder under the test VIGIE_HOME
# (vigie/settings/test.py).
WORKERS ?= auto
test-fast: install
	env -u DATABASE_URL $(BIN)/pytest -m "not slow" -n $(WORKERS)

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest

# The engine tests touch no database: they ran in the SQLite pass.
test-postgresql: install
	DATABASE_URL=$$(scripts/ensure-postgres) $(BIN)/pytest -m "not engine"

bench: install
	$(BIN)/python bench/acled_import.py

clean:
	rm -rf $(VENV) build *.egg-info
