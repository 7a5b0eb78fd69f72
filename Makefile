# Two commands on a fresh machine: `make site` builds the sample site, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: site test lint pytest goldens clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## site: build the sample site: site/public/ (publish this) and site/internal/ (keep off the internet)
site: $(BIN)/.installed
	$(BIN)/disclose build --strict
	$(BIN)/disclose build --strict --audience internal

## test: lint, type-check and run every test (browser tests skip without Chromium)
test: lint pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check generator tests scripts
	$(BIN)/ruff format --check generator tests scripts
	$(BIN)/mypy

pytest: $(BIN)/.installed
	$(BIN)/pytest

## goldens: rewrite tests/golden/ after an intended change of the rendered Markdown
goldens: $(BIN)/.installed
	$(BIN)/pytest tests/test_golden.py --update-goldens

clean:
	rm -rf site .build
