# Two commands do the whole set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000

.PHONY: run test lint pytest migrate seed worker beat messages bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## make run: install, migrate, seed the demo province and serve on http://127.0.0.1:8000
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

## make test: lint, type-check, migration check and the whole test suite
test: lint pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: $(VENV)/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

seed: $(VENV)/.installed
	$(PY) manage.py seed_demo

## Production shape: REDIS_URL and DATABASE_URL set, one worker and one beat
worker: $(VENV)/.installed
	$(BIN)/celery -A config worker --loglevel=info

beat: $(VENV)/.installed
	$(BIN)/celery -A config beat --loglevel=info

## Recompile translations after editing locale/*/LC_MESSAGES/django.po (needs gettext)
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

## make bench: the set-based batch jobs against their per-row baselines, on a scratch
## database (BENCH_DATABASE_URL, default a fresh SQLite file) seeded with the demo province.
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench.sqlite3
BENCH_CUSTOMERS ?= 3000
bench: $(VENV)/.installed
	rm -f bench.sqlite3
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py seed_demo --customers $(BENCH_CUSTOMERS) > /dev/null
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_rating
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_accrual
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_imports --rows 100000

clean:
	rm -rf $(VENV) db.sqlite3 bench.sqlite3 test-artifacts staticfiles
