# Two commands on a fresh machine: `make run` and `make test`. Everything else is here too.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` is a developer's local copy: debug on, SQLite unless DATABASE_URL says otherwise.
LOCAL := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test install install-dev assets migrate loadplan loadplan-illustrative officer lint format check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

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
