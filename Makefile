# Smart Citizen: `make run` serves the demo town, `make test` runs the whole suite
# against real services. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

DEV_ENV := DJANGO_SETTINGS_MODULE=config.settings.dev
TEST_ENV := DJANGO_SETTINGS_MODULE=config.settings.test

.PHONY: run test vendor lint format messages compilemessages install services stop-services clean bench screenshots bench-towns bench-reports bench-sensors bench-push

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstalled whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

compilemessages: install
	bash scripts/system-packages.sh gettext
	$(DEV_ENV) $(MANAGE) compilemessages --ignore=.venv -v0

messages: install
	bash scripts/system-packages.sh gettext
	$(DEV_ENV) $(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=media -v0
	$(DEV_ENV) $(MANAGE) compilemessages --ignore=.venv -v0

# ffmpeg (run, test): the local channel checks videos and makes their posters
# (docs/localtv.md).
run: compilemessages
	bash scripts/system-packages.sh ffmpeg
	$(DEV_ENV) $(MANAGE) migrate --noinput -v0
	$(DEV_ENV) $(MANAGE) seed_demo --if-empty
	$(DEV_ENV) $(MANAGE) collectstatic --noinput -v0
	@echo "Smart Citizen: http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(DEV_ENV) $(BIN)/python -m config.server -b $(HOST) -p $(PORT) config.asgi:application

services:
	bash scripts/system-packages.sh postgresql redis-server
	bash scripts/services.sh start

stop-services:
	bash scripts/services.sh stop

# pytest-xdist workers: each gets its own database, Redis db, channel prefix and
# search index (config/settings/test.py).
PYTEST_WORKERS ?= 2
# The slowest tests are listed at the end of every run: the suite's time on
# CI is watched (docs/testing.md).
PYTEST_ARGS ?= --durations=25

test: install services compilemessages browser-deps
	bash scripts/system-packages.sh ffmpeg
	bash scripts/elasticsearch.sh start
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Leaflet from npm into static/vendor/leaflet/ (committed: `make run` needs no
# npm and no CDN); redo it after changing the version in the script.
vendor:
	bash scripts/vendor-leaflet.sh

# Real-browser tests (tests/browser, docs/testing.md): Debian's Chromium, and
# axe-core from npm, reinstalled when its lock file changes. Node and npm come
# with the machine (they are not installed here).
.PHONY: browser-deps
browser-deps: tests/browser/node_modules/.installed
	bash scripts/system-packages.sh chromium

tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for axe-core (tests/browser): install Node.js and npm." >&2; exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $@

# Full-page PNGs of the main pages at 375×667 and 1280×800 in screenshots/ (not
# committed): the demo town built in a temporary SQLite database and served by
# runserver for the run, or the site at SCREENSHOTS_URL (scripts/screenshots.py).
screenshots: compilemessages
	bash scripts/system-packages.sh chromium
	$(DEV_ENV) $(BIN)/python scripts/screenshots.py

# Benchmarks, not tests: figures go to docs/performance.md by hand.
bench: install services
	bash scripts/elasticsearch.sh start
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/search_bench.py $(BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/realtime_bench.py $(REALTIME_BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/scoring_bench.py $(SCORING_BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/fault_bench.py $(FAULT_BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/meters_bench.py $(METERS_BENCH_ARGS)
	bash scripts/system-packages.sh wrk
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/peer_bench.py $(PEER_BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/ws_bench.py $(WS_BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/reports_bench.py $(REPORTS_BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/sensors_bench.py $(SENSORS_BENCH_ARGS)
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/push_bench.py $(PUSH_BENCH_ARGS)

# Issue 16: reports filed per second through the site's path and through
# Open311's POST (bench/reports_bench.py; its own database).
bench-reports: install services
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/reports_bench.py $(REPORTS_BENCH_ARGS)

# Issue 16: town sensor values per second through the gateways' HTTP door,
# batched and one per request, on a real server process.
bench-sensors: install services
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/sensors_bench.py $(SENSORS_BENCH_ARGS)

# Issue 15: one town's feed, moderation queue and coverage report in a one-town
# and a 100-town database (100,000 households), alternated; builds both
# databases on the first run (`TOWNS_BENCH_ARGS=--reuse-db` keeps them).
bench-towns: install services
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/towns_bench.py $(TOWNS_BENCH_ARGS)

# The layers of docs/architecture.md: import-linter's contracts in
# pyproject.toml ([tool.importlinter]).
# Security lint (docs/security.md): bandit fails on any high-severity finding
# (the medium ones are reviewed there); pip-audit on any known vulnerability of
# an installed package and, with --strict, on a package it could not audit
# (an index without PyPI's JSON API): `make lint PIP_AUDIT_STRICT=` lists those
# instead of failing.
PIP_AUDIT_STRICT ?= --strict

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(DEV_ENV) DATABASE_URL= $(MANAGE) makemigrations --check --dry-run
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high
	$(BIN)/pip-audit --skip-editable --progress-spinner off $(PIP_AUDIT_STRICT)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media

# One grid-alert push to 600 devices through the local push emulator
# (bench/push_bench.py; its own database; needs node and tests/browser's npm ci).
bench-push: install services
	$(TEST_ENV) PYTHONPATH=. $(BIN)/python bench/push_bench.py $(PUSH_BENCH_ARGS)
