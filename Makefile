# The two commands: `make demo` (a running NetBox with the plugin and demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PY := .venv/bin/python
SCALE ?= 1.0
SEED ?= 1
PYTEST_ARGS ?=

.PHONY: bootstrap demo demo-reset stop test unit lint format bench dist

bootstrap:
	@dev/bootstrap.sh

demo: bootstrap
	@$(PY) dev/wmfops.py demo --scale $(SCALE) --seed $(SEED)

demo-reset: bootstrap
	@$(PY) dev/wmfops.py demo-reset

stop:
	@if [ -x $(PY) ]; then $(PY) dev/wmfops.py stop; fi

lint: bootstrap
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: bootstrap
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

# The whole suite: lint, then unit, integration and e2e tests on real PostgreSQL and Redis.
test: lint
	@$(PY) dev/wmfops.py test-prepare
	source .state/test.env && $(PY) -m pytest $(PYTEST_ARGS)

# Only the pure-core tests (no database): fast feedback while editing.
unit: bootstrap
	$(PY) -m pytest -p no:django tests/unit $(PYTEST_ARGS)

# Benchmarks on the demo fleet at each of BENCH_SCALES (default 1 3 10; BENCH_SCALE=X for one scale): per scale a
# database cloned from that scale's fleet template (built once), every benchmark in a process of its own, the database
# dropped; then one table with each figure's growth (bench/run.py). BENCH=names runs only those. Not timed tests.
BENCH_SCALES ?= $(if $(BENCH_SCALE),$(BENCH_SCALE),1 3 10)
bench: bootstrap
	@$(PY) bench/run.py --scales "$(BENCH_SCALES)" --seed $(SEED) $(BENCH)

# The plugin's wheel and an offline wheelhouse with frozen requirements (see docs/upgrade.md).
dist: bootstrap
	@dev/dist.sh
