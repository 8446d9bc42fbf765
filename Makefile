# tocsin: two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check up clean bluesky-servers bluesky-servers-background \
	matrix-servers matrix-servers-background bench-publish

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tocsin demo

up: $(STAMP)
	$(BIN)/tocsin up

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vulture

typecheck: $(STAMP)
	$(BIN)/mypy

# The Bluesky tests' real PDS (npm, compiles better-sqlite3: minutes when cold) installs into
# ~/.cache/tocsin/pds-<hash>/ in the background while pip, lint and typecheck run; the tests'
# fixture waits for it (a file lock), and a warm cache costs nothing (tests/bluesky/install.py).
# Synapse, the Matrix tests' homeserver, likewise: its own venv in ~/.cache/tocsin/synapse-<hash>/
# (pip: about 2.5 minutes when cold; tests/matrix/install.py).
test: bluesky-servers-background matrix-servers-background $(STAMP) lint typecheck
	$(BIN)/pytest -q -n 2 --dist worksteal

# The web console's OpenID provider (node oidc-provider, seconds) installs first, the same way.
bluesky-servers-background:
	@mkdir -p tests/artifacts
	@( ($(PYTHON) tests/web/install.py --log tests/artifacts/oidc-install.log \
		>> tests/artifacts/oidc-install.log 2>&1; \
		$(PYTHON) tests/bluesky/install.py --log tests/artifacts/pds-install.log \
		>> tests/artifacts/pds-install.log 2>&1) &)

bluesky-servers:
	$(PYTHON) tests/bluesky/install.py

matrix-servers-background:
	@mkdir -p tests/artifacts
	@($(PYTHON) tests/matrix/install.py --log tests/artifacts/synapse-install.log \
		>> tests/artifacts/synapse-install.log 2>&1 &)

matrix-servers:
	$(PYTHON) tests/matrix/install.py

# The publishing benchmarks (bench/RESULTS.md, 2026-12-03): loopback only, about 25 minutes.
bench-publish: $(STAMP)
	$(BIN)/python -m bench.publish_fanout --runs 20
	$(BIN)/python -m bench.publish_rate --crises 100 --requests 30 --per 15
	$(BIN)/python -m bench.publish_rate --crises 100 --requests 30 --per 15 --answers mastodon
	$(BIN)/python -m bench.publish_machine --samples 10 --crises 100

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
