# Groundwork: `make run` serves the demo clinic, `make test` runs the whole suite.
# Needs only Python >= 3.11 and make (npm, when present, installs the front-end libraries).

PORT ?= 8000
# Links in e-mails sent by the Celery worker point at the port `make run` serves.
SITE_URL ?= http://127.0.0.1:$(PORT)
UV := $(shell command -v uv 2>/dev/null || echo var/tools/bin/uv)
MANAGE := $(UV) run --frozen python manage.py

# The date-sensitive tests again with the clock set near midnight (tests/conftest.py,
# --frozen-at): 04:30 UTC is 23:30 the day before in New York, the test clinics' zone, so the
# UTC and the clinic's dates differ; 23:30 UTC (18:30 there) is an hour before the UTC date
# turns. 2026-12-08 is a Tuesday. Browser tests, races of many connections (concurrency) and
# the tests marked real_clock (other processes or files on the machine's clock: a Celery
# worker, backup files) keep the real clock. Left out as they test no date: the API fuzzing
# and the malformed-request modules (request shapes), the access matrix (who may open which
# route: 1,200 requests, a quarter of a clock run, while each page's dates are tested by the
# page's own module here), and the deployment files, settings and phone-number parsing.
# pytest-xdist is not used: tests clear the shared Redis cache and start Celery workers on one
# broker. `make test` runs the suite in two halves and the two clock runs side by side instead
# (scripts/test-all), each with its own database and Redis database number.
CLOCK_INSTANTS ?= 2026-12-08T04:30:00Z 2026-12-08T23:30:00Z
CLOCK_TESTS ?= tests/programs tests/booking tests/notifications tests/assessments tests/clinic \
	tests/audit tests/security/test_idor.py --ignore=tests/clinic/test_deploy.py \
	--ignore=tests/clinic/test_settings.py --ignore=tests/clinic/test_phones.py
define clock_tests
	@for at in $(CLOCK_INSTANTS); do \
		echo "The date-sensitive tests with the clock at $$at:"; \
		$(UV) run --frozen pytest -q -m "not browser and not real_clock and not concurrency" --frozen-at=$$at $(CLOCK_TESTS) || exit 1; \
	done
endef

.PHONY: install run test test-clock lint format messages bench backup restore-check clean

var/tools/bin/uv:
	@echo "uv not found: installing it into var/tools (a private virtual environment)"
	python3 -m venv var/tools
	var/tools/bin/pip install --quiet uv

install: $(if $(findstring var/tools,$(UV)),var/tools/bin/uv)
	mkdir -p var/static
	$(UV) sync --frozen --quiet
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: pages work, but without htmx, Pico CSS and charts."; \
	fi

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo ""
	@echo "Groundwork is starting on http://127.0.0.1:$(PORT)/  (sign in at /login/)"
	@echo "Demo logins, password groundwork-demo:"
	@echo "  admin@demo.clinic (clinic admin)    clinician@demo.clinic, clinician2@demo.clinic (clinicians)"
	@echo "  frontdesk@demo.clinic (front desk)  patient@demo.clinic (patient)"
	@echo "  admin@other.clinic, clinician@other.clinic (Other Clinic)"
	@echo ""
	SITE_URL='$(SITE_URL)' $(UV) run --frozen honcho -f Procfile.dev start -p $(PORT)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format:
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

test: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(MANAGE) makemigrations --check --dry-run --settings=clinic.settings.test
	UV='$(UV)' PYTEST_ARGS='$(PYTEST_ARGS)' CLOCK_INSTANTS='$(CLOCK_INSTANTS)' \
		CLOCK_TESTS='$(CLOCK_TESTS)' scripts/test-all

# The Spanish catalogue: collect the strings of the code and templates into
# locale/es/LC_MESSAGES/django.po (translations kept), then compile django.mo. Needs GNU
# gettext (msgfmt); the compiled file is committed so that installing needs no gettext, and
# tests/clinic/test_catalogue.py fails when it falls behind the .po file.
messages: install
	$(MANAGE) makemessages -l es --no-location --no-obsolete --ignore=var --ignore=node_modules \
		--ignore=.venv --ignore=tests --ignore=bench
	$(MANAGE) compilemessages -l es --ignore=var --ignore=node_modules --ignore=.venv

test-clock: install
	$(clock_tests)

# Engine throughput on one core, then the HTTP and sweep benchmark on PostgreSQL (seeds
# gw_bench and gw_bench_small on first use; BENCH_DATABASE_URL / BENCH_REDIS_URL override).
bench: install
	$(MANAGE) bench_engines --settings=bench.settings
	$(MANAGE) bench_http --settings=bench.settings

# PostgreSQL backups (DATABASE_URL): `make backup` writes one into BACKUP_DIR; `make
# restore-check` restores the latest into a scratch database (<name>_restore) and compares the
# row counts of every patient-data table with the live database, failing on a difference.
BACKUP_DIR ?= var/backups

backup:
	BACKUP_DIR=$(BACKUP_DIR) bash deploy/backup.sh once

restore-check: install
	BACKUP_DIR=$(BACKUP_DIR) bash deploy/backup.sh restore
	$(MANAGE) restore_check

clean:
	rm -rf var/broker var/static var/*.sqlite3* var/celerybeat-schedule*
