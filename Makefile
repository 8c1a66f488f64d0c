# Second Opinion: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: run test install messages lint check system-deps browser-deps clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip==25.3"
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: system-deps $(VENV)/.installed messages

system-deps:
	@bash scripts/system-deps weasyprint
	@bash scripts/system-deps gettext

## The Spanish catalogue, compiled at every install, run and test so the .mo is never stale
## (it is not committed). After changing strings: see "Languages" in README.md.
messages: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=secondopinion.test_settings $(PY) manage.py compilemessages -l es --ignore=$(VENV) -v 0

browser-deps:
	@bash scripts/system-deps chromium
	@bash scripts/system-deps java

## Serve the app with demo data on http://$(HOST):$(PORT), and the task worker beside it
## (emails and reminders print here; the day's reminders go out as it starts)
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo --url http://$(HOST):$(PORT)
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) REMINDERS_HOUR=0 PY=$(PY) scripts/run-dev $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=secondopinion.test_settings $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=secondopinion.test_settings $(PY) manage.py check

## The whole suite, browser tests included (DATABASE_URL picks the database), in
## TEST_WORKERS processes (pytest-xdist), each test file whole in one of them so that its
## module fixtures are built once. TEST_WORKERS=0 runs it in this process alone.
TEST_WORKERS ?= 2
test: install browser-deps lint check
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --junitxml=.pytest-report.xml
	@$(PY) scripts/check_report.py .pytest-report.xml

clean:
	rm -rf $(VENV) .pytest-report.xml staticfiles .mypy_cache
