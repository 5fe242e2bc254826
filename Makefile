# The two commands that matter: `make run` and `make test`. Targets match the README.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest working Python 3.12+: try names on PATH by running them (pyenv shims
# may exist but refuse), then pyenv's own version folders. `=`, not `:=`: worked out only when a recipe
# making the venv asks, not on every make (starting those Pythons cost a third of a CPU-second).
PYTHON_FOR_VENV = $(shell \
  for c in python3.13 python3.12 python3; do \
    if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
      command -v $$c; exit 0; fi; \
  done; \
  root=$$(pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}"); \
  for c in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do \
    if $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo $$c; exit 0; fi; \
  done)

# Debian packages `make test` needs: browsers for the e2e tests and Lighthouse, the two servers the suite
# runs against, and Jekyll itself for the importer's reference tests. npm only when there is no node at all.
TEST_PACKAGES := chromium postgresql redis-server jekyll $(if $(shell command -v npm),,nodejs npm)
# The fast loop leaves out what needs a browser, a server, other processes, ../shared or many seconds.
FAST_MARKERS := not e2e and not server and not corpus and not slow and not jekyll_reference
# Its folders: each app's (those with a tests/ package), so e2e/, where every test is `e2e`, is not even
# collected (importing it and Playwright cost each test process a few tenths of a CPU-second).
FAST_PATHS := $(patsubst %/tests/__init__.py,%,$(wildcard */tests/__init__.py))

.PHONY: help run test test-fast test-deps lint format check pytest pytest-pg e2e bench lighthouse screenshots \
	clean venv dev-deps node-deps

help:
	@echo "make run        - create .venv, install, migrate, load demo posts, serve on http://$(HOST):$(PORT)"
	@echo "make test       - everything CI checks, from nothing: Debian packages, throwaway PostgreSQL and Redis,"
	@echo "                  ruff, Django checks, migrations, the suite on SQLite then PostgreSQL, Lighthouse"
	@echo "make test-fast  - the quick loop while coding: no browser, no servers, no ../shared"
	@echo "make e2e        - the browser tests alone (Playwright + Debian chromium, axe-core)"
	@echo "make bench      - benchmark at 1k/10k/100k posts (slow; not part of CI)"
	@echo "make lighthouse / make screenshots - browser reports for people to read"

$(VENV)/.installed-runtime: requirements.txt
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "error: Python 3.12 or newer is required (tried python3.13, python3.12, python3 and pyenv's versions)." >&2; exit 1; fi
	@# Debian's own Python makes venvs only with python3-venv (ensurepip) installed.
	@if [ ! -x $(PY) ] && ! "$(PYTHON_FOR_VENV)" -c 'import ensurepip' 2>/dev/null; then scripts/debian-packages.sh python3-venv; fi
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

test-deps:
	@scripts/debian-packages.sh $(TEST_PACKAGES)

# Each step is one line, so a process to run beside the server (started in the background with
# `&` and stopped by a trap) slots in before the last one.
run: venv
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) import_jekyll content/posts
	@# One task worker beside the site (emails go out in the background); Ctrl-C stops both.
	@DJANGO_DEBUG=1 $(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	DJANGO_DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

# Everything CI checks (.ci/run is just this). scripts/with-services.sh starts PostgreSQL and Redis
# for the steps and deletes them afterwards. CI=true turns "no Redis, skip" into a failure.
test: test-deps dev-deps node-deps
	CI=true scripts/with-services.sh $(MAKE) --no-print-directory lint check pytest pytest-pg lighthouse

# Compiled modules (pytest's rewritten test modules too) are kept in __pycache__ even where the
# environment says not to write them: compiling everything again cost each test process seconds.
# Throwaway files (tmp_path, each process's file cache, stored pictures) go to RAM where /dev/shm exists:
# writing and deleting thousands of small files on disk cost seconds of system time.
# One pytest per CPU, each running its share of the test files (scripts/test-fast, config/tests/shards.py):
# unlike pytest-xdist, no file is imported twice and no controller sets Django up to read the reports.
FAST_TMPDIR := $(if $(wildcard /dev/shm/.),/dev/shm,$(TMPDIR))
test-fast: dev-deps
	TMPDIR=$(FAST_TMPDIR) PYTHONDONTWRITEBYTECODE= scripts/test-fast $(PY) -q -m "$(FAST_MARKERS)" $(PYTEST_ARGS) $(FAST_PATHS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: dev-deps
	DJANGO_DEBUG=1 $(MANAGE) check --fail-level WARNING
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run

# The whole suite on SQLite, browser tests included. Exit 5 ("no tests collected", e.g. a -k that
# matches nothing) is not a failure. Extra options: make pytest PYTEST_ARGS="-k saved -x"
PYTEST_ARGS ?=
pytest: dev-deps node-deps
	$(PY) -m pytest -n 2 $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The suite again on PostgreSQL (the browser tests once are enough); `make test` sets TEST_POSTGRES_URL.
pytest-pg: dev-deps
	@test -n "$$TEST_POSTGRES_URL" || { echo "error: set TEST_POSTGRES_URL=postgres://user:pass@host:port/db (make test does)" >&2; exit 2; }
	DATABASE_URL="$$TEST_POSTGRES_URL" $(PY) -m pytest -n 2 -m "not e2e" $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Browser tests alone: Playwright driving Debian's chromium (never a downloaded browser).
e2e: dev-deps node-deps
	$(PY) -m pytest -n 2 -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Lighthouse on the home page and an essay (mobile) against gunicorn with DEBUG off; scores table printed
# and written to lighthouse-report/scores.md; fails below 95 performance / 100 for the rest.
lighthouse: dev-deps node-deps
	$(PY) -m e2e.lighthouse

# Every page type at 375 and 1280 px, in light and dark, into screenshots/.
screenshots: dev-deps node-deps
	$(PY) -m pytest e2e/screenshots.py -q

# Options from the environment, e.g. a quick run: BENCH_SIZES=1000 BENCH_SECONDS=3 BENCH_IMPORT_FILES=500 make bench
# (also BENCH_CONNECTIONS, BENCH_WORKERS, BENCH_KEEP=1, BENCH_DATABASE_URL, BENCH_REDIS_URL; see `python -m bench -h`).
# Numbers and how to read them: bench/README.md. wrk drives the load (without it, a slower Python driver would).
bench: dev-deps
	@scripts/debian-packages.sh wrk
	$(PY) -m bench
	$(PY) -m bench.email

clean:
	rm -rf var/ .pytest_cache
