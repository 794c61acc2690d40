# sozialplan – the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := sozialplan.config.settings

.PHONY: demo install test test-fast test-slow test-browser lint typecheck check bench messages serve clean lock

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## make demo: install, load the real Landkreis Hildburghausen data into SQLite, serve on :8000
# The background worker (recomputations of the Bedarfsanalyse) runs beside the
# server and stops with it.
demo: $(STAMP)
	$(BIN)/sozialplan migrate --noinput
	$(BIN)/sozialplan load-demo
	$(BIN)/sozialplan db_worker --no-reload & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
		$(BIN)/sozialplan runserver 127.0.0.1:8000

serve: $(STAMP)
	$(BIN)/sozialplan runserver 127.0.0.1:8000

## make test: install, lint, typecheck, migrations check, deploy check, fast suite
test: $(STAMP) lint typecheck check test-fast

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy sozialplan tests conftest.py

check: $(STAMP)
	$(BIN)/sozialplan makemigrations --check --dry-run
	DEBUG=False SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-value-for-checks ALLOWED_HOSTS=sozialplan.example \
		$(BIN)/sozialplan check --deploy --fail-level WARNING

test-fast: $(STAMP)
	$(BIN)/pytest -q -n 2

## make test-slow: the whole-command tests (bench, full demo load); CI runs them
test-slow: $(STAMP)
	$(BIN)/pytest -q -n 2 -m slow -p no:cacheprovider

## make test-browser: Playwright + axe-core in Debian's chromium (/usr/bin/chromium)
test-browser: $(STAMP)
	$(BIN)/pytest -q -m browser -p no:cacheprovider

## make bench: performance as ratios against a baseline measured in the same run
bench: $(STAMP)
	$(BIN)/sozialplan bench

## make messages: regenerate German translations (small diffs)
messages: $(STAMP)
	$(BIN)/sozialplan makemessages -l de --no-wrap --sort-output --ignore=.venv --ignore=var --ignore=static

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
