# Two commands for a newcomer: `make run` (the tool + development platform on SQLite) and
# `make test` (the whole suite). Both install what they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 5000
export FLASK_APP = lti_tool
# The development platform builds its URLs from PORT (lti_tool/devplatform/__init__.py).
export PORT

TRANSLATIONS = lti_tool/translations
POT = $(TRANSLATIONS)/messages.pot
MO_FILES = $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

.PHONY: run test lint install bench bench-progress bench-pages bench-jobs bench-versus translations

# A clear message before any venv is made when the Python is too old (pyproject: >=3.11), and a
# venv made by another Python version is rebuilt rather than half-working.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV_VERSION := $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)

.PHONY: check-python
check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Mentoring Web needs Python 3.11 or newer; '$(PYTHON)' is $(or $(PYTHON_VERSION),missing). Try: make install PYTHON=python3.12" >&2; exit 1; }
	@if [ -n "$(VENV_VERSION)" ] && [ "$(VENV_VERSION)" != "$(PYTHON_VERSION)" ]; then \
		echo "$(VENV) was made by Python $(VENV_VERSION), not $(PYTHON_VERSION): rebuilding it." >&2; \
		rm -rf $(VENV); fi

$(BIN)/activate: | check-python
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | check-python $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pybabel compile -d $(TRANSLATIONS)
	touch $@

# Compiled catalogues are not committed (.gitignore): rebuild any older than its .po, so `make run`
# and `make test` never serve yesterday's French.
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)

# After adding or changing UI strings: `make translations`, translate the new or fuzzy entries in
# lti_tool/translations/*/LC_MESSAGES/messages.po, then `make install` (or `make test`).
# tests/unit/test_translations.py fails until every string is translated.
# A new language: $(BIN)/pybabel init -i $(POT) -d $(TRANSLATIONS) -l <code>, and add it to LANGUAGES.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k lazy_pgettext:1c,2 --add-comments=TRANSLATORS: \
		--add-location=file --no-wrap --project="Mentoring Web" -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS) --no-wrap --ignore-obsolete

# The tool and one job worker (grades, roster syncs, sweeps) on a SQLite queue file in instance/:
# no other service. Ctrl-C stops both.
run: install
	LTI_TOOL_ENV=development $(BIN)/flask db upgrade
	LTI_TOOL_ENV=development $(BIN)/flask dev-platform init
	LTI_TOOL_ENV=development $(BIN)/flask jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	LTI_TOOL_ENV=development $(BIN)/flask run --port $(PORT) --with-threads

# The suite runs on one pytest-xdist worker per CPU core, at most 4 (its slowest tests start
# processes of their own); each worker has its own database and Redis keys (tests/conftest.py).
# One process: make test TEST_WORKERS=0
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# Full LTI launches/s through gunicorn (2 workers) on SQLite and, when it answers, PostgreSQL;
# e.g. `make bench BENCH_ARGS="--database postgres --redis --concurrency 8"`. See bench/README.md.
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench.launches $(BENCH_ARGS)

# The progress grid of a 20- to 10,000-learner course: server time, its ratio to the smallest course
# and SQL per request, on SQLite and, when it answers, PostgreSQL;
# e.g. `make bench-progress BENCH_ARGS="--database sqlite --sizes 20,2000"`.
bench-progress: install
	$(BIN)/python -m bench.progress_grid $(BENCH_ARGS)

# The roster, the review queue and the cohort pages of a 20- to 10,000-learner course: server time,
# its ratio to the smallest course and SQL per request, on SQLite and, when it answers, PostgreSQL;
# e.g. `make bench-pages BENCH_ARGS="--database sqlite --learners 20,200,2000"`.
bench-pages: install
	$(BIN)/python -m bench.course_pages $(BENCH_ARGS)

bench-jobs: install
	$(BIN)/python -m bench.jobs

# The full launch beside pylti1p3's own Flask example (bench/reference_app.py), interleaved rounds,
# launches/s, worker CPU per launch and RSS as ratios; e.g. BENCH_ARGS="--configs sqlite --rounds 3".
bench-versus: install
	$(BIN)/python -m bench.versus_example $(BENCH_ARGS)
