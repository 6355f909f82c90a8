# Healing Together — the two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1
# The tests run with production settings, over plain HTTP on localhost.
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-secret-key-0123456789-abcdefghijklmnop \
	DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver DJANGO_SECURE_SSL_REDIRECT=0 \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/test.sqlite3} \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: run test install install-test browser messages compilemessages lint format lock demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.test-installed: requirements/test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-test: $(VENV)/.test-installed

# Debian's Chromium for the browser tests (Playwright cannot download its own here), and
# Caddy, whose own parser checks deploy/Caddyfile in tests/deploy.
browser:
	@command -v chromium >/dev/null && command -v caddy >/dev/null || { \
		echo "Installing Debian's chromium and caddy for the tests…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium caddy >/dev/null; }

compilemessages: | $(BIN)/python
	cd $(CURDIR) && $(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: install compilemessages
	mkdir -p var
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_reference
	$(DEV_ENV) $(BIN)/python manage.py load_content
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-test browser compilemessages
	mkdir -p var
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input -v0
	$(TEST_ENV) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the pinned requirements from pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml -o requirements/base.txt --python-version 3.11
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test -o requirements/test.txt --python-version 3.11

# Update the gettext catalogs after changing translatable text.
messages: | $(BIN)/python
	for lang in nl fr en; do \
		$(DEV_ENV) $(BIN)/python manage.py makemessages -l $$lang --no-location --no-obsolete --ignore=.venv --ignore=var -v0; \
		$(DEV_ENV) $(BIN)/python manage.py makemessages -d djangojs -l $$lang --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=node_modules --ignore=static/admin-ext/vendor -v0; \
	done

clean:
	rm -rf var/test.sqlite3 .pytest_cache

# Load benchmark (bench/load.py): gunicorn with production settings and wrk on loopback, on
# SQLite and PostgreSQL; prints the table and writes it to bench/results/.
# A quick run: make bench BENCH_ARGS="--backends sqlite --duration 3"
.PHONY: bench lighthouse
bench: install compilemessages
	@command -v wrk >/dev/null || { \
		echo "Installing Debian's wrk for the benchmark…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/load.py $(BENCH_ARGS)

# Lighthouse (the npm package pinned in package-lock.json, installed under node_modules/)
# with Debian's Chromium, offline, on the demo data: home, list, group and article pages.
node_modules/.bin/lighthouse: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

lighthouse: install compilemessages browser node_modules/.bin/lighthouse
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_ARGS)
