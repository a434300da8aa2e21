# mlrelease-template: entry points for working on the template itself. `make help` lists them.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
BASE_PYTHON ?= python3
PYTEST_ARGS ?=
# pytest-xdist workers (three keep two cores busy while tests wait on servers and subprocesses); tests/conftest.py
# keeps the tests that share an expensive fixture on one worker.
WORKERS ?= 3
PYTEST_PARALLEL = $(if $(filter-out 0 1,$(WORKERS)),-n $(WORKERS))

.DEFAULT_GOAL := help
.PHONY: help test test-all lint benchmark

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The environment is rebuilt whenever a requirements file changes.
$(VENV)/.installed: requirements-test.txt template/requirements.lock
	$(BASE_PYTHON) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet torch==2.13.0
	$(PYTHON) -m pip install --quiet -r requirements-test.txt
	touch $@

test: $(VENV)/.installed ## the template's tests but the slow tier: every capability once (installs .venv on first use)
	$(PYTHON) -m pytest -m "not slow" $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-all: $(VENV)/.installed ## every test, the slow tier too (the full answer matrix, a fresh make setup)
	$(PYTHON) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff on the template's own Python files
	$(PYTHON) -m ruff check tests hooks
	$(PYTHON) -m ruff format --check tests hooks

benchmark: $(VENV)/.installed ## measure the figures the issues ask for; prints a table
	$(PYTHON) tests/benchmark_template.py
