# A newcomer needs two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Where `make run` keeps its SQLite database and staging key (see README: `make run PORT=8001`).
DATA ?= data

SDK := clients/python

.PHONY: run test test-fast lint openapi sdk migrate image image-test compose-test bench bench-compare bench-memory bench-scale bench-export bench-workers bench-prehashed bench-scim clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

# make run's own settings (a variable already set in the environment wins): the embedded
# database and staging key in $(DATA), and files of up to 100,000 rows imported as jobs by the
# server's embedded runner (over USERIMPORT_SYNC_MAX_ROWS, 500).
run migrate: export DATABASE_URL ?= sqlite:///$(DATA)/userimport.db
run migrate: export USERIMPORT_STAGING_KEY_FILE ?= $(DATA)/staging.key
run migrate: export USERIMPORT_MAX_ROWS ?= 100000

migrate: $(VENV)/.installed-run
	$(BIN)/userimport migrate

run: migrate
	$(BIN)/userimport staging-key ensure
	$(BIN)/userimport keys ensure --url http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT) - API docs at http://$(HOST):$(PORT)/docs"
	$(BIN)/userimport serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# The inner loop: no process started, SQLite only (TEST_DATABASE_URL unset), on every core
# (pytest-xdist), under a minute.
test-fast: $(VENV)/.installed-dev
	TEST_DATABASE_URL= CI= $(BIN)/pytest -q -m "not slow" -n auto

# The image (docs/operations.md). FROM=IMAGE builds on another base than python:3.11-slim.
IMAGE ?= localhost/user-import-service:latest
image:
	podman build --format docker $(if $(FROM),--from $(FROM)) -t $(IMAGE) .

$(VENV)/.installed-deploy: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[dev,deploy]'
	touch $@

# The image and deploy/compose.yaml run with podman (installed with apt when missing; root).
image-test: $(VENV)/.installed-dev
	$(BIN)/python -m scripts.image_test

compose-test: $(VENV)/.installed-deploy
	$(BIN)/python -m scripts.compose_test

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run

# The 500-row import of this checkout against another (OTHER=DIR, with its own .venv).
bench-compare: $(VENV)/.installed-dev
	$(BIN)/python -m bench.compare $(OTHER)

bench-prehashed: $(VENV)/.installed-dev
	$(BIN)/python -m bench.prehashed

bench-workers: $(VENV)/.installed-dev
	$(BIN)/python -m bench.workers

bench-memory: $(VENV)/.installed-dev
	$(BIN)/python -m bench.memory

# Big jobs of pre-hashed users on PostgreSQL (TEST_DATABASE_URL): 1M and 5M rows, 2 workers
# then 1, and a 1M dry run; ROWS="200000" for a quicker look.
ROWS ?= 1000000 5000000
bench-scale: $(VENV)/.installed-bench
	$(BIN)/python -m bench.scale $(ROWS)
	$(BIN)/python -m bench.scale 1000000 --workers 2 --dry-run-rows 0 --shape utf-16
	$(BIN)/python -m bench.scale 1000000 --workers 2 --dry-run-rows 0 --shape windows-1252

# GET /users as CSV over 1M users (PostgreSQL, TEST_DATABASE_URL): time and the server's peak.
bench-export: $(VENV)/.installed-bench
	$(BIN)/python -m bench.export

# SCIM requests/s (lookup, get, create, PATCH; 8 clients) against the healthz rate.
bench-scim: $(VENV)/.installed-dev
	$(BIN)/python -m bench.scim

openapi: $(VENV)/.installed-dev
	$(BIN)/python -m scripts.export_openapi

# The Python SDK, a package pip installs, generated from the committed document (a test fails
# when it is stale).
sdk: openapi
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/openapi-python-client generate \
		--path openapi/openapi.json --meta setup --output-path $(SDK) --overwrite \
		--config clients/generator.yaml --custom-template-path clients/templates

clean:
	rm -rf $(VENV) data .mypy_cache .pytest_cache .ruff_cache .hypothesis
