# The two commands a newcomer needs: `make run` and `make test`. Only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test fuzz lint format migrate load-demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@# The explorer's tests drive Debian's chromium (tests/explorer); they are skipped without it.
	@command -v chromium >/dev/null || apt-get install -y -q chromium >/dev/null \
		|| (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null) \
		|| echo "warning: could not install chromium: the explorer's browser tests will be skipped"
	touch $@

## Serve on http://127.0.0.1:$${PORT:-8000}, migrating and loading the demo data first.
run: $(VENV)/.installed
	$(BIN)/python -m app migrate
	$(BIN)/python -m app load-demo
	$(BIN)/python -m app serve

## The whole suite on SQLite, then on PostgreSQL too when TEST_DATABASE_URL is set; one
## process per core, each with a database of its own.
test: $(VENV)/.installed-test
	TEST_DATABASE_URL= $(BIN)/pytest -n auto
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on $$TEST_DATABASE_URL =="; \
		$(BIN)/pytest -n auto; \
	fi

## Schemathesis against a live server on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set.
fuzz: $(VENV)/.installed-test
	TEST_DATABASE_URL= $(BIN)/python -m tests.fuzz.run
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== Schemathesis on $$TEST_DATABASE_URL =="; \
		$(BIN)/python -m tests.fuzz.run; \
	fi

## Style, types (mypy, strict) and the layers (import-linter contracts in pyproject.toml).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## 1M incidents and statements on PostgreSQL; the service against the raw floor (wrk) and its
## SQL alone (pgbench): writes bench/RESULTS.md.
bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run

migrate: $(VENV)/.installed
	$(BIN)/python -m app migrate

load-demo: $(VENV)/.installed
	$(BIN)/python -m app load-demo

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
