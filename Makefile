# Footprint — developer commands. `make run` starts the app, `make test` runs every test.
# PYTHON: the interpreter the environment is made with (3.11 or newer); `make PYTHON=python3.12`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt
# Bumped when the environment's make-up changes in a way pip can't mend in place (the Qt
# wheels chosen by Python version, issue 11), and named after the interpreter's version:
# an older .venv, or one made with another Python than PYTHON, is then made anew.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
LAYOUT := $(VENV)/.layout-2-python$(PYTHON_VERSION)

.PHONY: run test lint typecheck pytest test-postgres dist bench demo clean check-pins

# Refuses an interpreter Footprint can't run on, saying what to install instead.
$(LAYOUT):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
		echo "Footprint needs Python 3.11 or newer, with venv: '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)." >&2; \
		echo "Install it (Debian/Ubuntu: sudo apt install python3 python3-venv; Windows and macOS: python.org)," >&2; \
		echo "or name one: make PYTHON=python3.12 run" >&2; exit 2; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV) || { \
		echo "Could not create the environment: install venv (Debian/Ubuntu: sudo apt install python3-venv)." >&2; \
		rm -rf $(VENV); exit 2; }
	touch $@

# Runtime set only (plus the PostgreSQL driver, for shared logs).
$(VENV)/.run-deps: $(LAYOUT) pyproject.toml constraints.txt
	$(PIP) -e ".[postgresql]"
	touch $@

# Everything the tests and the bundle need.
$(VENV)/.test-deps: $(VENV)/.run-deps
	$(PIP) -e ".[postgresql,test,dev]"
	touch $@

# Checks first that Qt's real platform can start here (on Linux it names the missing
# system packages in one line), then starts the app.
run: $(VENV)/.run-deps
	@$(BIN)/python -m app.platform_check
	$(BIN)/footprint

lint: $(VENV)/.test-deps
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/ruff check --extension spec:python build.spec
	$(BIN)/ruff format --check --extension spec:python build.spec

# mypy, and the layers' contracts (pyproject.toml, [tool.importlinter]).
typecheck: $(VENV)/.test-deps
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy app tests

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

# The pins on every supported Python found here: each gets its own throwaway
# (editable, as `make run` installs it) environment from constraints.txt, then the Qt
# reference-count test and the self-check.
check-pins:
	@for py in $${PYTHONS:-python3.11 python3.12 python3.13}; do \
		command -v $$py >/dev/null 2>&1 && $$py --version >/dev/null 2>&1 || { echo "== $$py: not found, skipped"; continue; }; \
		echo "== $$py ($$($$py --version))"; \
		env=$$(mktemp -d) && $$py -m venv $$env && \
		$$env/bin/python -m pip install --disable-pip-version-check -q -c constraints.txt -e ".[test]" && \
		$$env/bin/python -m pip list 2>/dev/null | grep -iE '^(pyside6|shiboken6)' && \
		QT_QPA_PLATFORM=offscreen $$env/bin/python -m pytest -q -p no:cacheprovider tests/ui/test_qt_refcounts.py && \
		QT_QPA_PLATFORM=offscreen $$env/bin/footprint --self-check || { rm -rf $$env; exit 1; }; \
		rm -rf $$env; \
	done

dist: $(VENV)/.test-deps
	$(BIN)/pyinstaller --noconfirm --clean build.spec

bench: $(VENV)/.test-deps
	$(BIN)/python -m bench

demo: $(VENV)/.run-deps
	$(BIN)/footprint demo

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
