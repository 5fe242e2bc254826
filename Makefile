# The two commands that matter: `make run` and `make test`. Targets match the README.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest working Python 3.12+: try names on PATH by running them (pyenv shims
# may exist but refuse), then pyenv's own version folders.
PYTHON_FOR_VENV := $(shell \
  for c in python3.13 python3.12 python3; do \
    if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
      command -v $$c; exit 0; fi; \
  done; \
  root=$$(pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}"); \
  for c in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do \
    if $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo $$c; exit 0; fi; \
  done)

.PHONY: help run test lint format check pytest pytest-pg e2e bench lighthouse screenshots clean venv dev-deps node-deps

help:
	@echo "make run    - create .venv, install, migrate, load demo posts, serve on http://$(HOST):$(PORT)"
	@echo "make test   - everything CI checks: ruff, Django checks, migrations, the whole test suite"
	@echo "make bench  - benchmark at 1k/10k/100k posts (slow; not part of CI)"
	@echo "make e2e    - the browser tests alone (Playwright + Debian chromium, axe-core)"
	@echo "make lighthouse / make screenshots - browser reports for people to read"

$(VENV)/.installed-runtime: requirements.txt
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "error: Python 3.12 or newer is required (tried python3.13, python3.12, python3 and pyenv's versions)." >&2; exit 1; fi
	@if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $(PYTHON_FOR_VENV)"; "$(PYTHON_FOR_VENV)" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed-runtime
dev-deps: $(VENV)/.installed-dev

# axe-core and Lighthouse for the browser checks, pinned by package-lock.json (node_modules/ is ignored).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@
node-deps: node_modules/.installed

run: venv
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) import_jekyll content/posts
	@# One task worker beside the site (emails go out in the background); Ctrl-C stops both.
	@DJANGO_DEBUG=1 $(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	DJANGO_DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: dev-deps
	DJANGO_DEBUG=1 $(MANAGE) check --fail-level WARNING
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run

# The suite on SQLite; then, when TEST_POSTGRES_URL is set (.ci/run sets it), again on PostgreSQL.
# Exit 5 ("no tests collected", e.g. a -k that matches nothing) is not a failure.
PYTEST_ARGS ?= -n 2
pytest: dev-deps node-deps
	$(PY) -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]
	@if [ -n "$$TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory pytest-pg; fi

pytest-pg: dev-deps
	@test -n "$$TEST_POSTGRES_URL" || { echo "Set TEST_POSTGRES_URL=postgres://user:pass@host:port/db" >&2; exit 2; }
	DATABASE_URL="$$TEST_POSTGRES_URL" $(PY) -m pytest $(PYTEST_ARGS) -m "not e2e" || [ $$? -eq 5 ]

test: lint check pytest

# Browser tests alone: Playwright driving Debian's chromium (never a downloaded browser).
e2e: dev-deps node-deps
	$(PY) -m pytest -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Lighthouse on the home page and an essay (mobile) against gunicorn with DEBUG off; scores table printed
# and written to lighthouse-report/scores.md; fails below 95 performance / 100 for the rest.
lighthouse: dev-deps node-deps
	$(PY) -m e2e.lighthouse

# Every page type at 375 and 1280 px, in light and dark, into screenshots/.
screenshots: dev-deps node-deps
	$(PY) -m pytest e2e/screenshots.py -q

# Options from the environment, e.g. a quick run: BENCH_SIZES=1000 BENCH_SECONDS=3 BENCH_IMPORT_FILES=500 make bench
# (also BENCH_CONNECTIONS, BENCH_WORKERS, BENCH_KEEP=1, BENCH_DATABASE_URL, BENCH_REDIS_URL; see `python -m bench -h`).
bench: dev-deps
	$(PY) -m bench
	$(PY) -m bench.email

clean:
	rm -rf var/ .pytest_cache
