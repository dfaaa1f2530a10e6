# The README's two commands: `make once` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# Two pytest-xdist workers: most tests wait on subprocesses, sockets and timers, so two keep 2 cores busy.
# Tests sharing a module's fixture run on one worker (tests/conftest.py). One process: PYTEST_WORKERS=0.
PYTEST_WORKERS ?= 2
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup

.PHONY: once test test-clock lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --editable '.[test]'
	touch $(STAMP)

# Poll the bundled seeds/ feeds once and write the digest to state/outbox/ (no SMTP server needed).
once: $(STAMP)
	$(VENV)/bin/watcher --config config.yaml run --once

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PYTEST)

# No test may depend on the day it runs: the tests marked clock again, a year ahead and a year behind.
test-clock: $(STAMP)
	$(PYTEST) -m clock --clock-shift=365
	$(PYTEST) -m clock --clock-shift=-365

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) state *.egg-info
