# sendplan: `make demo` to try it, `make test` to check everything, `make test-fast` while working. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The lock files (docs/decisions/0026-locked-installs.md): every package pinned with its hashes, made by `make lock`
# from pyproject.toml. Production (`make serve`) installs the runtime one; tests, CI, the demo and benchmarks the other.
RUNTIME_LOCK := requirements/runtime.txt
TEST_LOCK := requirements/test.txt
# The uv that `make lock` runs: a fixed version, so a regenerated lock differs only where pyproject.toml or the index did.
UV_VERSION := 0.13.9
# Debian packages the test suite needs: a PostgreSQL server, Chromium for browser tests, poppler for PDF checks.
TEST_DEBS := postgresql chromium chromium-driver poppler-utils
# The demo renders PDF reports too: WeasyPrint embeds Liberation Sans (Arial's metrics) and draws with Pango.
DEMO_DEBS := nodejs npm python3-venv fonts-liberation libpango-1.0-0 libpangoft2-1.0-0

# The test run's parallel workers (pytest-xdist). loadgroup: tests spread one at a time, except modules marked
# xdist_group, whose expensive module-scoped fixture (a rendered demo report, a 500-action plan) is built once.
PYTEST_PARALLEL := -n 2 --dist loadgroup
# What `make test-fast` leaves out: Chromium, WeasyPrint, other processes and the upgrade walks (tests/conftest.py keeps
# the marks honest).
FAST := not browser and not pdf and not server and not upgrade

.PHONY: demo test test-fast lint check-deploy bench install install-runtime lock serve system-deps-demo system-deps-test \
	serve-demo clean

demo: system-deps-demo install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@echo ""
	@echo "sendplan demo: open http://127.0.0.1:8000 and sign in with a login above (Ctrl+C stops the server and its"
	@echo "background job worker, which renders PDFs, runs large imports and sends the reminders to this console)."
	DJANGO_DEBUG=1 scripts/with-workers.sh $(PY) manage.py runserver 127.0.0.1:8000

test: system-deps-test install lint check-deploy
	scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_PARALLEL)

# The quick loop while working: every test but the browser, PDF and process ones; no lint, no Debian packages.
test-fast: install
	scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_PARALLEL) -m "$(FAST)"

# Benchmarks on a throwaway PostgreSQL (docs/benchmarks.md): figures, not tests. Pages, termly report, import and a
# 60 s load test with locust against gunicorn, at 50 and 500 actions; the tables are printed and written into the doc.
# The benchmarks app is installed by the test settings only (sendplan/settings_test.py), never in production.
bench: system-deps-test install
	DJANGO_SETTINGS_MODULE=sendplan.settings_test scripts/with-postgres.sh sh -c \
	  '$(PY) manage.py migrate -v0 && $(PY) manage.py bench --actions 50 500 --import-actions 500 5000 --write docs/benchmarks.md'

# Django's deployment checks on the production settings (DEBUG off, HTTPS on, a throwaway random key): any warning
# fails. The check reads settings only, so the SQLite default DATABASE_URL is enough.
check-deploy: install
	env -u DJANGO_DEBUG DJANGO_SETTINGS_MODULE=sendplan.settings SENDPLAN_HTTPS=1 ALLOWED_HOSTS=sendplan.example.org \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Production app server: gunicorn on PostgreSQL, static files by whitenoise (docs/deployment.md). Needs
# DATABASE_URL (postgresql://...) and SECRET_KEY, checked before anything is installed; SENDPLAN_HTTPS=0 to try it
# over plain http on loopback. The demo's Debian packages are the server's too (npm builds the CSS, Pango and
# Liberation Sans draw the PDFs). Python packages: the runtime lock only, no test tools.
serve:
	@scripts/serve.sh --check
	@$(MAKE) --no-print-directory system-deps-demo install-runtime
	PY=$(PY) scripts/serve.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Everything the tests, the demo and the benchmarks need: the test lock (runtime + test + bench extras).
install: $(VENV)/.installed node_modules/.installed static/build/sendplan.css

# What a production server needs and nothing more (`make serve`): the runtime lock.
install-runtime: $(VENV)/.installed-runtime node_modules/.installed static/build/sendplan.css

# Into $(VENV) from lock file $(1), exactly: every package pinned and hash-checked (pip refuses a file whose hash is
# not in the lock, and any package the lock does not list), then sendplan itself without resolving anything.
define install_locked
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sendplan needs Python 3.11 or newer"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(1)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	touch $@
endef

$(VENV)/.installed: $(TEST_LOCK)
	$(call install_locked,$(TEST_LOCK))

$(VENV)/.installed-runtime: $(RUNTIME_LOCK)
	$(call install_locked,$(RUNTIME_LOCK))

# Regenerates both lock files from pyproject.toml (run it after changing a dependency, and commit the result). The
# test lock is resolved first; the runtime lock takes its versions from it, so both pin a package alike. Pins already
# in a lock are kept while pyproject.toml allows them: `make lock LOCK_ARGS=--upgrade` moves everything to the newest.
# uv resolves for every platform (--universal) and every Python from 3.11, against the package index (UV_INDEX_URL to
# use a mirror).
LOCK_ARGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command 'make lock' $(LOCK_ARGS)
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet 'uv==$(UV_VERSION)'
	$(UV_COMPILE) pyproject.toml --extra test --extra bench -o $(TEST_LOCK)
	$(UV_COMPILE) pyproject.toml -c $(TEST_LOCK) -o $(RUNTIME_LOCK)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/sendplan.css: static/scss/sendplan.scss node_modules/.installed
	npm run --silent build:css

# Installs what is missing, only when run as root (CI and fresh machines); otherwise says what to install.
system-deps-demo:
	@scripts/debian-deps.sh $(DEMO_DEBS)

system-deps-test:
	@scripts/debian-deps.sh $(DEMO_DEBS) $(TEST_DEBS)

clean:
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3
