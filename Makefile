# The README's two commands: `make once` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

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
	$(VENV)/bin/pytest

# No test may depend on the day it runs: the tests marked clock again, a year ahead and a year behind.
test-clock: $(STAMP)
	$(VENV)/bin/pytest -m clock --clock-shift=365
	$(VENV)/bin/pytest -m clock --clock-shift=-365

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) state *.egg-info
