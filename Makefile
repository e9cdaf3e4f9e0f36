# wangjian: `make demo` runs the main job, `make test` runs the tests, `make bench` the benchmarks.
# Each target bootstraps what it needs (Debian packages, .venv with pinned packages) first.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: bootstrap demo serve test bench lint serve-fixtures clean

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	$(VENV)/bin/wangjian demo

# The web console on the demo's database, http://127.0.0.1:8000/; prints a one-time admin password.
serve: bootstrap
	$(VENV)/bin/wangjian serve --admin-password-once

test: bootstrap
	$(PY) -m pytest -q

bench: bootstrap
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

serve-fixtures: bootstrap
	$(PY) -m fixtures.server

clean:
	rm -rf var .pytest_cache
