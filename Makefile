# gevinst: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-sqlite test-postgres bench load clean lock

# Dependencies are pinned: requirements.lock holds the exact version of every package (constraints).
$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,bench]'
	touch $(STAMP)

# Refresh requirements.lock from a clean install of pyproject.toml's dependencies (needs the network).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet -e '.[test,bench]'
	{ sed -n '1,3p' requirements.lock; .venv-lock/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .venv-lock

install: $(STAMP)

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.installed

run: $(STAMP)
	$(BIN)/gevinst run --host $(HOST) --port $(PORT)

# The suite runs twice: on SQLite, and on PostgreSQL when DATABASE_URL is set. Within each
# pass the bulk runs on two processes (pytest-xdist); the tests that start real servers
# (marker "server") run afterwards on their own, so they are not timed against the rest.
PYTEST := $(BIN)/pytest -q -p no:cacheprovider

test: $(STAMP) node_modules/.installed
	@echo "== Testsuite mot SQLite"
	env -u DATABASE_URL $(PYTEST) -n 2 -m "not server"
	env -u DATABASE_URL $(PYTEST) -m server
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== Samme testsuite mot PostgreSQL ($$DATABASE_URL)"; \
		$(PYTEST) -n 2 -m "not server" && $(PYTEST) -m server; \
	fi

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Load test: 50 readers + 10 editors for LOAD_SECONDS against serve --production (PostgreSQL) and gevinst run (SQLite).
LOAD_SECONDS ?= 30
load: $(STAMP)
	$(BIN)/python bench/load.py --mode both --duration $(LOAD_SECONDS) --workers 4

clean:
	rm -rf $(VENV) node_modules var
