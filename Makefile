# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project metadata changed.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/frontdesk

# The storage and services suites run a second time on a PostgreSQL server when
# FRONTDESK_TEST_DATABASE_URL names one (scripts/with_test_server starts a throw-away one).
SERVER_TESTS := tests/storage tests/services tests/test_cli_server.py \
  tests/journeys/test_other_desks.py tests/journeys/test_server_outage.py \
  tests/ui/test_connect_server.py

# One pytest worker per core; WORKERS=0 runs everything in one process.
WORKERS ?= auto

# mypy first: the files it checks are listed in pyproject.toml ([tool.mypy]).
test: $(STAMP)
	$(BIN)/ruff check desktop tests scripts
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(WORKERS)
	@if [ -n "$$FRONTDESK_TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL run SKIPPED: FRONTDESK_TEST_DATABASE_URL is not set" \
	  "(scripts/with_test_server make test-postgres runs it on a throw-away server)."; fi

test-postgres: $(STAMP)
	@test -n "$$FRONTDESK_TEST_DATABASE_URL" || { echo "FRONTDESK_TEST_DATABASE_URL is not set;" \
	  "try: scripts/with_test_server make test-postgres" >&2; exit 2; }
	@echo "PostgreSQL run: $(SERVER_TESTS) on the server"
	FRONTDESK_TEST_BACKEND=postgresql QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(WORKERS) $(SERVER_TESTS)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/benchmarks -s -p no:cacheprovider -o python_files='bench_*.py'

clean:
	rm -rf $(VENV) build *.egg-info

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/take_screenshots.py docs/screenshots
