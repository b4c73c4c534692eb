# Footprint — developer commands. `make run` starts the app, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: run test lint typecheck pytest test-postgres dist bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime set only (plus the PostgreSQL driver, for shared logs).
$(VENV)/.run-deps: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e ".[postgresql]"
	touch $@

# Everything the tests and the bundle need.
$(VENV)/.test-deps: $(VENV)/.run-deps
	$(PIP) -e ".[postgresql,test,dev]"
	touch $@

run: $(VENV)/.run-deps
	$(BIN)/footprint

lint: $(VENV)/.test-deps
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/ruff check --extension spec:python build.spec
	$(BIN)/ruff format --check --extension spec:python build.spec

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy app/core app/documents app/commands

# Every test on SQLite (the PostgreSQL address, if set, is for test-postgres only).
pytest: $(VENV)/.test-deps
	env -u FOOTPRINT_TEST_DATABASE_URL QT_QPA_PLATFORM=offscreen $(BIN)/pytest

# The core and migration tests again on PostgreSQL, when a server is given
# (.ci/run starts a throwaway one and sets FOOTPRINT_TEST_DATABASE_URL).
test-postgres: $(VENV)/.test-deps
	@if [ -n "$$FOOTPRINT_TEST_DATABASE_URL" ]; then \
		echo "== core and migration tests on PostgreSQL"; \
		QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/core tests/migrations; \
	else \
		echo "== FOOTPRINT_TEST_DATABASE_URL not set: PostgreSQL pass skipped (.ci/run sets it)"; \
	fi

test: lint typecheck pytest test-postgres

dist: $(VENV)/.test-deps
	$(BIN)/pyinstaller --noconfirm --clean build.spec

bench: $(VENV)/.test-deps
	$(BIN)/python -m bench

demo: $(VENV)/.run-deps
	$(BIN)/footprint demo

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
