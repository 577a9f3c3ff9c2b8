# MSP Partner Portal — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# axe-core, the browser tests' accessibility check, from npm at the version of its lock file.
AXE := tools/axe/node_modules/axe-core/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help install migrate demo-data demo serve test lint format check bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed" if sys.version_info < (3, 11) else 0)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(AXE): tools/axe/package.json tools/axe/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for axe-core, the browser tests' accessibility check"; exit 1; }
	npm ci --prefix tools/axe --no-audit --no-fund --silent
	touch $(AXE)

install: $(STAMP) ## create .venv and install the portal with its tools

migrate: install ## apply database migrations
	$(PY) manage.py migrate --noinput

demo-data: migrate ## load the demo partners, users and companies (idempotent)
	$(PY) manage.py demo_data

demo: demo-data ## set everything up and run the portal with a task worker on 127.0.0.1:$(PORT)
	$(PY) manage.py collectstatic --noinput -v0
	PORT=$(PORT) bin/serve

lint: install ## ruff lint and format check, and the layers of portal/ (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install ## Django system checks (also --deploy as in production), missing migrations, the OpenAPI schema
	$(PY) manage.py check --fail-level WARNING
	env BEHIND_TLS_PROXY=1 DEBUG=0 ALLOWED_HOSTS=portal.example.com \
		SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

test: lint check $(AXE) ## lint, checks and the whole test suite (axe-core from npm for the browser tests)
	$(BIN)/pytest

bench: install ## benchmarks (see bench/README.md)
	$(PY) bench/run.py

clean: ## remove the virtualenv and local data under var/
	rm -rf $(VENV) var tools/axe/node_modules
