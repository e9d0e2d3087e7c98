# Two commands on a fresh machine: `make run` and `make test`. Everything else is here too.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` is a developer's local copy: debug on, SQLite unless DATABASE_URL says otherwise.
LOCAL := DJANGO_ENV_FILE=.env DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run serve loadtest bench backup restore test install install-dev lock assets migrate loadplan loadplan-illustrative officer lint format check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements.txt and requirements-dev.txt are the readable lists; requirements.lock and
# requirements-dev.lock pin every package they pull in, with hashes, and are what gets installed.
# Reinstall only when a lock file changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.installed

# pip-compile at the version requirements-dev.txt pins, so `make lock` works before any lock exists.
$(BIN)/pip-compile: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet "$$(grep -E '^pip-tools==' requirements-dev.txt)"
	touch $@

# The runtime lock first, then the dev lock constrained by it, so both pin the runtime alike
# (pip-tools' layered requirements). Existing pins are kept: `make lock LOCK_ARGS=--upgrade`
# moves everything to the newest releases the lists allow.
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

## Regenerate requirements.lock and requirements-dev.lock after changing a requirements file.
lock: $(BIN)/pip-compile
	$(PIP_COMPILE) --output-file=requirements.lock requirements.txt
	$(PIP_COMPILE) --constraint=requirements.lock --output-file=requirements-dev.lock requirements-dev.txt

install: $(VENV)/.installed assets .env
install-dev: $(VENV)/.installed-dev assets .env

# A checkout is a developer's copy: debug on, so manage.py works without a production secret.
# Never committed; a real deployment sets its settings in the environment instead.
.env:
	printf '# Local development settings, made by make (see .env.example). Never committed.\nDJANGO_DEBUG=true\n' > $@

# GOV.UK Frontend and Dart Sass come from npm at build time; what they build is never committed.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static_build/.built: node_modules/.installed $(wildcard assets/scss/*.scss)
	npm run --silent build
	touch $@

## Build the stylesheet and copy GOV.UK Frontend's script into static_build/.
assets: static_build/.built

migrate: install
	$(LOCAL) $(BIN)/python manage.py migrate --no-input

## Load the real plan from the source documents (safe to run again: it updates in place).
loadplan: migrate
	$(LOCAL) $(BIN)/python manage.py loadplan

## Add the clearly marked illustrative values, for demonstrating charts and statuses.
loadplan-illustrative: migrate
	$(LOCAL) $(BIN)/python manage.py loadplan --illustrative

## Serve the portal on http://127.0.0.1:$(PORT) with the real plan loaded.
run: loadplan
	$(LOCAL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Production mode on this machine: debug off, gunicorn on $(BIND):$(PORT), the database at
## DATABASE_URL and the cache at CACHE_URL. Migrates, collects static files and loads the plan first.
## Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (README, "Deploy"); never reads .env.
BIND ?= 127.0.0.1
serve: install
	DJANGO_ENV_FILE= DJANGO_DEBUG=false $(BIN)/python manage.py migrate --no-input
	DJANGO_ENV_FILE= DJANGO_DEBUG=false $(BIN)/python manage.py collectstatic --no-input -v0
	DJANGO_ENV_FILE= DJANGO_DEBUG=false $(BIN)/python manage.py loadplan
	DJANGO_ENV_FILE= DJANGO_DEBUG=false exec $(BIN)/gunicorn kcpp.wsgi:application --bind $(BIND):$(PORT) \
		--workers $${WEB_CONCURRENCY:-2} --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

## Load the portal as `make serve` runs it and print what it answered: CLIENTS (32) for DURATION
## seconds (60); FAULT=postgres restarts PostgreSQL half-way, FAULT=redis stops Redis half-way.
loadtest: install
	$(BIN)/python bench/loadtest.py

## Benchmark and write docs/benchmarks.md: wrk on every kind of page, API list and CSV against a static file
## (warm, as `make serve` runs), then queries and time per page at 1x, 10x and 100x the plan, each in a
## scratch database (kcpp_bench_Nx on the server of DATABASE_URL, else SQLite). BENCH_SECONDS per address (10).
bench: install
	DATABASE_URL="$(DATABASE_URL)" CACHE_URL="$(CACHE_URL)" BENCH_SECONDS="$(BENCH_SECONDS)" $(BIN)/python bench/bench.py

## Back up the database and the uploaded papers into backups/<time> (or DIR=path): pg_dump for
## PostgreSQL, SQLite's online backup otherwise. The portal may keep serving meanwhile.
backup: install
	$(LOCAL) $(BIN)/python manage.py backup $(DIR)

## Put a backup back (replaces everything in the database): make restore FROM=backups/<time>
restore: install
	$(LOCAL) $(BIN)/python manage.py restore $(if $(FROM),$(FROM),$(error Say which backup: make restore FROM=backups/...)) $(if $(YES),--yes,)

## Create an officer account for this local copy and print its password once.
officer: migrate
	$(LOCAL) $(BIN)/python manage.py createofficer $(if $(USERNAME),--username $(USERNAME),)

## Lint, check migrations, and run every test.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=kcpp.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=kcpp.settings_test $(BIN)/python manage.py check
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static_build staticfiles .pytest_cache .ruff_cache
