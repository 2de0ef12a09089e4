# Two commands for a new machine: `make run` (the app, embedded default, demo data)
# and `make test` (the whole suite). Both create the virtual environment when needed.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install messages lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) messages

# Translations are compiled at install time from the committed .po files.
messages: $(STAMP)
	$(VENV)/bin/django-admin compilemessages --ignore=$(VENV) -v 0

# A local .env with random keys, kept out of git: the first run needs no configuration.
.env:
	$(PYTHON) -c "import secrets; t = secrets.token_urlsafe; print(f'DEBUG=true\nSECRET_KEY={t(50)}\nCRYPTOGRAPHY_KEY={t(32)}\nSUPPRESSION_KEY={t(32)}')" > .env

# The demo's emails go to files in demo-emails/ (a path relative to here: django-environ
# reads filemail:///x as x) rather than over the terminal (set
# EMAIL_URL to send them somewhere else). No beat runs in the demo: the retention schedule
# runs once at start, so that nothing past its period is shown.
DEMO_ENV = LOG_LEVEL=WARNING SITE_URL=http://127.0.0.1:$(PORT) EMAIL_URL=$${EMAIL_URL:-filemail:///demo-emails}

run: install .env
	$(PY) manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py seed_demo_running
	$(DEMO_ENV) $(PY) manage.py retention run > /dev/null 2>&1
	@echo ""
	@echo "  The app:   http://127.0.0.1:$(PORT)/"
	@echo "  The admin: http://127.0.0.1:$(PORT)/admin/   login: admin   password: $${DEMO_PASSWORD:-demo}"
	@echo "  Other demo staff (same password): formation, logistique, dpo, marketing"
	@echo "  Second factor: after the password, one of the account's codes printed above"
	@echo "  Emails the app sends: files in $(CURDIR)/demo-emails/ (one per send)"
	@echo "  No beat in the demo: the retention schedule ran once just now; run it again as dpo"
	@echo "  (back-office, Retention, Run the retention schedule now) or with"
	@echo "  $(PY) manage.py retention run"
	@echo ""
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest

# Benchmarks (bench/README.md): they seed their own PostgreSQL databases (BENCH_DATABASE_URL,
# default the local server) and rewrite the table of figures. Not part of `make test`.
bench: install
	$(PY) bench/run.py $(if $(QUICK),--quick) $(if $(ONLY),--only "$(ONLY)")

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 test-db.sqlite3 staticfiles
