# aiguillage — set-up, tests and benchmarks. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# SITE_URL (the links in emails, the widget's snippet) follows the port the server runs on.
export PORT ?= 8000
export DEBUG ?= true
CHROMIUM ?= $(or $(CHROMIUM_PATH),/usr/bin/chromium)
VENDOR := aiguillage/static/vendor

.PHONY: run setup test bench quality venv vendor chromium clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

$(VENDOR)/.installed: node_modules/.installed
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/axe-core
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css $(VENDOR)/leaflet/
	cp -r node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/leaflet/LICENSE $(VENDOR)/leaflet/LICENSE.txt
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe-core/
	cp node_modules/axe-core/LICENSE $(VENDOR)/axe-core/LICENSE.txt
	touch $@

vendor: $(VENDOR)/.installed

# Local settings for this machine (git-ignored): DEBUG and a secret key of its own, read by aiguillage/settings.py,
# so that `.venv/bin/python manage.py …` works as written. Never overwritten; variables of the environment win.
.env:
	$(PYTHON) -c "import secrets; print('# Local settings written by make setup (git-ignored); environment variables win.'); print('DEBUG=true'); print('SECRET_KEY=' + secrets.token_urlsafe(50))" > $@
	@echo "Settings written to .env (DEBUG=true and a generated SECRET_KEY)."

setup: venv vendor .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py load_outlines --si-manquants

run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The browser tests drive Debian's Chromium: install it when we can (root and apt), else stop at once and say how.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Chromium est absent : installation du paquet Debian chromium…"; \
		(apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium)) || exit 1; \
	else \
		echo "Chromium est absent ($(CHROMIUM)) : les tests du navigateur en ont besoin."; \
		echo "Installez-le :   sudo apt-get install chromium"; \
		echo "ou indiquez un autre Chromium : make test CHROMIUM_PATH=/chemin/vers/chromium"; \
		echo "ou passez les autres tests seulement :   .venv/bin/pytest -q -m 'not browser'"; \
		exit 1; \
	fi; \
	[ -x "$(CHROMIUM)" ] || { echo "Chromium est toujours absent de $(CHROMIUM)"; exit 1; }

test: venv vendor chromium
	CHROMIUM_PATH=$(CHROMIUM) $(VENV)/bin/pytest -q

quality: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy aiguillage/lib routing funding_match coverage_solver library/matching.py
	DEBUG=false SECRET_KEY=quality-check-key $(PY) manage.py makemigrations --check --dry-run

bench: venv
	# The load stage drives gunicorn with wrk (Debian package); install it when it is missing.
	command -v wrk >/dev/null || (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)) \
		|| echo "wrk missing: the load stage will be skipped"
	# The directory's benchmark, then every module's bench/*_bench.py (funding at 2,000 schemes…).
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
