# The README's commands. Everything a fresh machine needs is set up here.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app survey

.PHONY: run test bench setup install translations messages clean vendor dist

$(VENV)/.installed-run: pyproject.toml setup.py
	@test -n "$(PYTHON)" || { echo "Voces needs Python 3.11 or newer on the PATH."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed-run

# Front-end packages from the npm registry (package-lock.json pins them), copied into static/;
# the copies are not committed. Add a line per file when a package is added.
VENDOR := survey/static/vendor
VENDORED := $(VENDOR)/idb/idb.umd.js $(VENDOR)/leaflet/leaflet.js $(VENDOR)/leaflet/leaflet.css
NPM_INSTALLED := node_modules/.voces-installed

vendor: $(VENDORED)

$(NPM_INSTALLED): package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null 2>&1 || { echo "Voces needs npm (Node.js) for its front-end packages: apt-get install npm"; exit 1; }
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

$(VENDOR)/idb/idb.umd.js: $(NPM_INSTALLED)
	mkdir -p $(VENDOR)/idb
	cp node_modules/idb/LICENSE $(VENDOR)/idb/LICENSE
	cp node_modules/idb/build/umd.js $@

# Maps, shown only where MAP_TILE_URL names a tile server (README, "Configuration").
$(VENDOR)/leaflet/%: $(NPM_INSTALLED)
	mkdir -p $(VENDOR)/leaflet
	cp node_modules/leaflet/LICENSE $(VENDOR)/leaflet/LICENSE
	cp node_modules/leaflet/dist/$* $@

translations: install
	$(BIN)/pybabel compile --statistics -d survey/translations

setup: install translations vendor
	$(FLASK) db upgrade
	$(FLASK) demo load

run: setup
	$(FLASK) run --port $(PORT)

# One pytest process per core (TEST_WORKERS=0 runs in this process, for a debugger).
TEST_WORKERS ?= auto

test: $(VENV)/.installed-test translations vendor
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench translations
	$(BIN)/python -m benchmarks $(BENCH)

# A wheel to install anywhere (README, "Deploying"). setuptools reuses build/, so a file deleted from
# the sources would otherwise still ship.
dist: install vendor
	rm -rf build dist
	$(BIN)/python -m pip wheel --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules $(VENDOR) build dist voces.egg-info

# Refresh the catalogues after changing interface text (pybabel skips folders starting with _).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Voces --copyright-holder Voces -o survey/translations/messages.pot survey templates templates/_macros
	$(BIN)/pybabel update --no-fuzzy-matching -i survey/translations/messages.pot -d survey/translations
