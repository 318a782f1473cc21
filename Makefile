# aiguillage — set-up, tests and benchmarks. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export DEBUG ?= true
VENDOR := aiguillage/static/vendor

.PHONY: run setup test test-sqlite test-postgres bench quality venv vendor data clean

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

setup: venv vendor
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py load_outlines --si-manquants

run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv vendor
	$(VENV)/bin/pytest -q

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
