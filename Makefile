# Two commands do the whole set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000

.PHONY: run test test-dates lint pytest install migrate seed serve worker beat messages bench bench-province clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## make install: the production install, the runtime dependencies only (no pytest,
## Playwright, mypy, ruff). Editable, so the code, templates and translations are read from
## this checkout (settings.BASE_DIR). The production targets below depend on it; the
## development install (.installed) includes it.
$(VENV)/.installed-prod: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(VENV)/.installed-prod

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

## make test-dates: the whole suite with the clock moved to each instant below, read in
## Asia/Shanghai and in UTC (GOTONE_TEST_NOW, conftest.py); prints one summary line each.
TEST_INSTANTS ?= 2026-12-31T23:59 2027-01-01T00:01 2027-01-31T23:59 2027-02-01T00:01 \
	2027-12-31T23:59 2028-02-29T12:00 2030-06-15T12:00
TEST_DATES_ARGS ?= -q -p no:cacheprovider -n 2
test-dates: $(VENV)/.installed
	@failed=0; mkdir -p test-artifacts; \
	for zone in Asia/Shanghai:+08:00 UTC:+00:00; do \
	  for at in $(TEST_INSTANTS); do \
	    when="$$at$${zone#*:}"; log="test-artifacts/test-dates-$$when.log"; \
	    TZ="$${zone%%:*}" GOTONE_TEST_NOW="$$when" $(BIN)/pytest $(TEST_DATES_ARGS) >"$$log" 2>&1 \
	      || failed=1; \
	    echo "$$when ($${zone%%:*}): $$(tail -n 1 "$$log")"; \
	  done; \
	done; exit $$failed

## Production shape (README): the production install, DATABASE_URL and REDIS_URL set, gunicorn,
## one or more workers and exactly one beat. Under systemd, deploy/*.service run the same.
migrate: $(VENV)/.installed-prod
	$(PY) manage.py migrate --noinput

seed: $(VENV)/.installed-prod
	$(PY) manage.py seed_demo

serve: $(VENV)/.installed-prod
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py config.wsgi

worker: $(VENV)/.installed-prod
	$(BIN)/celery -A config worker --loglevel=info

beat: $(VENV)/.installed-prod
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
	rm -f bench.sqlite3 bench.sqlite3-wal bench.sqlite3-shm
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py seed_demo --customers $(BENCH_CUSTOMERS) > /dev/null
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_rating
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_accrual
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_imports --rows 100000

## make bench-province: the monthly close, the annual rating, the feeds and the counter lookup
## at province size (BENCH_CUSTOMERS, default 1,000,000, with 13 months of bills) on a scratch
## PostgreSQL database, each batch step against its bare-SQL floor; writes the section of
## docs/performance.md for that size. The generated CSV files are kept in test-artifacts/.
BENCH_PROVINCE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gotone_province
bench-province: BENCH_CUSTOMERS = 1000000
bench-province: $(VENV)/.installed
	DJANGO_DEBUG=false DATABASE_URL=$(BENCH_PROVINCE_DATABASE_URL) $(PY) manage.py bench_province \
	  --customers $(BENCH_CUSTOMERS) --fresh-database --report docs/performance.md \
	  --json test-artifacts/bench-province-$(BENCH_CUSTOMERS).json

clean:
	rm -rf $(VENV) db.sqlite3* bench.sqlite3* test-artifacts staticfiles
