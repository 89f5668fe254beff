# Two commands for a newcomer: `make run` (the tool + development platform on SQLite) and
# `make test` (the whole suite). Both install what they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
export FLASK_APP = lti_tool

.PHONY: run test lint install bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	LTI_TOOL_ENV=development $(BIN)/flask db upgrade
	LTI_TOOL_ENV=development $(BIN)/flask dev-platform init
	LTI_TOOL_ENV=development $(BIN)/flask run --port 5000 --with-threads

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m bench.launches
