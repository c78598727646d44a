# The README's commands. Everything a fresh machine needs is set up here.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app survey

.PHONY: run test bench setup install translations messages clean

$(VENV)/.installed-run: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Voces needs Python 3.11 or newer on the PATH."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed-run

translations: install
	$(BIN)/pybabel compile --statistics -d survey/translations

setup: install translations
	$(FLASK) db upgrade
	$(FLASK) demo load

run: setup
	$(FLASK) run --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test translations
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) instance .pytest_cache

# Refresh the catalogues after changing interface text (pybabel skips folders starting with _).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Voces --copyright-holder Voces -o survey/translations/messages.pot survey templates templates/_macros
	$(BIN)/pybabel update --no-fuzzy-matching -i survey/translations/messages.pot -d survey/translations
