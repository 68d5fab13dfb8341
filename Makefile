# One task runner: make demo, make test, make lint, make bench.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install demo test test-sqlite test-postgresql lint minimal-install bench clean system-packages

$(BIN)/vigie: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BIN)/vigie

install: $(BIN)/vigie

demo: install
	$(BIN)/vigie demo

# The whole suite on SQLite, then on PostgreSQL (a server is started if none answers).
test: install system-packages lint minimal-install test-sqlite test-postgresql

# What `pip install vigie` gives a new user, in a fresh venv with no extras: `vigie demo --no-serve`
# on a fresh VIGIE_HOME, and every module imports (scripts/minimal-install; about a minute).
minimal-install:
	PYTHON=$(PYTHON) scripts/minimal-install

# Debian's Chromium (browser tests) and a Java runtime (Spark test), when missing.
system-packages:
	scripts/ensure-system-packages

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest

test-postgresql: install
	DATABASE_URL=$$(scripts/ensure-postgres) $(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench

bench: install
	$(BIN)/python bench/acled_import.py

clean:
	rm -rf $(VENV) build *.egg-info
