# ReentryKit developer commands.
#
#   make setup   Python virtualenv, npm packages and static/vendor/ (fast when nothing changed)
#   make run     the demo server and task worker on this machine
#   make test    lint, then the test suite on SQLite and again on a throwaway PostgreSQL
#   make bench   the slow scale tests and the scripts in benchmarks/
#   make lint | format | clean
#
# make test honours REQUIRE_POSTGRES=1 and REQUIRE_BROWSER=1 (set by .ci/run): without
# them, a machine lacking PostgreSQL or Chromium skips that part and says so.

SHELL := /bin/bash
# Each recipe runs as one bash script that stops at the first failing command.
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest
POSTGRES_MARKERS := not slow and not browser and not spark
# Marks that setup is done; each lives inside what it describes, so deleting
# .venv/ or node_modules/ also forgets the step.
PYTHON_STAMP := $(VENV)/.reentrykit-installed
NODE_STAMP := node_modules/.reentrykit-installed
VENDOR_STAMP := static/vendor/.reentrykit-copied

.PHONY: help setup run test lint format bench clean

help:
	@sed -n '3,10s/^# \{0,1\}//p' Makefile

setup: $(PYTHON_STAMP) $(NODE_STAMP) $(VENDOR_STAMP)

$(PYTHON_STAMP): pyproject.toml constraints.txt
	if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
	  echo "ReentryKit needs Python 3.11 or newer, but '$(PYTHON)' is '$$($(PYTHON) --version 2>&1)'."
	  echo "Install a newer Python and point make at it, e.g.: make PYTHON=python3.12 setup"
	  exit 1
	fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -c constraints.txt -e '.[dev]'
	touch $@

# Only when it is missing: regenerating an existing lockfile would defeat `npm ci`.
package-lock.json:
	npm install --package-lock-only --ignore-scripts --no-audit --no-fund

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(VENDOR_STAMP): $(NODE_STAMP) $(PYTHON_STAMP) scripts/vendor_assets.py
	$(BIN)/python scripts/vendor_assets.py
	touch $@

run: setup
	REENTRYKIT_DEBUG=1 REENTRYKIT_DEMO=1 $(BIN)/reentrykit run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The two passes run side by side, one per core: SQLite in the foreground, and
# PostgreSQL in the background with its output shown when it ends. The PostgreSQL
# pass is for the database layer, so the browser and Spark tests run on SQLite only.
# Pytest's exit status 5 (nothing collected) fails like any other.
test: setup lint
	@status=0; scripts/ensure_chromium.sh || status=$$?
	case $$status in
	  0) markers="not slow" ;;
	  3) markers="not slow and not browser" ;;
	  *) exit $$status ;;
	esac
	mkdir -p var
	postgres_log=var/test-postgresql.log
	$(BIN)/python scripts/pg_cluster.py -- \
	  $(PYTEST) -p no:cacheprovider -m "$(POSTGRES_MARKERS)" >$$postgres_log 2>&1 &
	postgres_pid=$$!
	# On Ctrl-C or failure, stop the PostgreSQL pass and let it remove its cluster.
	trap 'kill $$postgres_pid 2>/dev/null && wait $$postgres_pid; true' EXIT
	trap 'exit 130' INT TERM
	echo "== pytest on SQLite (-m '$$markers'); PostgreSQL runs alongside"
	sqlite=0; env -u DATABASE_URL $(PYTEST) -m "$$markers" || sqlite=$$?
	echo "== pytest on PostgreSQL (-m '$(POSTGRES_MARKERS)')"
	postgres=0; wait $$postgres_pid || postgres=$$?
	cat $$postgres_log
	echo "== exit status: SQLite pass $$sqlite, PostgreSQL pass $$postgres"
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

bench: setup
	@echo "== slow tests (pytest -m slow)"
	status=0; $(PYTEST) -m slow || status=$$?
	if [ $$status -eq 5 ]; then echo "No tests are marked slow yet."
	elif [ $$status -ne 0 ]; then exit $$status; fi
	scripts=$$(find benchmarks -maxdepth 1 -name '*.py' ! -name '_*' | sort)
	[ -n "$$scripts" ] || echo "benchmarks/ has no scripts yet."
	failed=""
	for script in $$scripts; do
	  echo "== $$script"
	  $(BIN)/python "$$script" || failed="$$failed $$script"
	done
	[ -z "$$failed" ] || { echo "== failed:$$failed"; exit 1; }

clean:
	rm -rf var static/vendor $(PYTHON_STAMP) $(NODE_STAMP)
