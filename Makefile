# ePayment Lab. Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SIM_PORT ?= 8090
export EPAYMENT_LAB_SPECS ?= $(abspath ../shared/specs)

.PHONY: run simulator test chromium postgresql newman lint format bench clean venv venv-dev

# The runtime environment: only requirements.txt.
$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The test environment: runtime plus requirements-dev.txt.
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

## run: start the dashboard on the embedded simulator (no keys needed)
run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard.py --server.port $(PORT)

## simulator: start the ePayment simulator alone on 127.0.0.1:$(SIM_PORT)
simulator: $(VENV)/.runtime
	$(PY) -m simulator --port $(SIM_PORT)

## test: set up everything the tests need, lint, then run every test
test: lint chromium postgresql newman
	$(PY) -m pytest

## chromium: Debian's chromium for the browser tests (never a Playwright browser download)
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

## postgresql: Debian's postgresql for the store tests (each test session starts its own cluster)
postgresql:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)

## newman: Postman's command-line runner (pinned, from the npm registry) for the collection tests
NEWMAN_VERSION := 6.2.2
newman: $(VENV)/node/.newman-$(NEWMAN_VERSION)
$(VENV)/node/.newman-$(NEWMAN_VERSION):
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node newman@$(NEWMAN_VERSION)
	touch $@

## lint: ruff (lint and format) over everything, mypy over lib/ and simulator/
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: throughput and latency benchmarks (not tests); the store's need Debian's postgresql
bench: $(VENV)/.dev postgresql
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) \
		|| echo "wrk not installed: GET load comes from Python instead"
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
