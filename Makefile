# ikzsurvey — everything needs only Python 3.11 and pip on the machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PLUGIN_CATALOGS := $(wildcard plugins/*/translations)

.PHONY: run test catalogs extract update-catalogs compile-catalogs clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip >$(VENV)/pip-upgrade.log 2>&1 \
	  || { cat $(VENV)/pip-upgrade.log; exit 1; }

# Reinstall whenever the project's metadata changes.
# pip's and setuptools' messages go to $(VENV)/install.log and are shown only on failure,
# so that `make run` ends with the demo's links (setuptools notes every editable install).
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	@echo "Installing ikzsurvey into $(VENV) (log: $(VENV)/install.log) ..."
	@$(BIN)/python -m pip install --quiet -e '.[test]' >$(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; exit 1; }
	@touch $@

## make run: install, prepare the SQLite demo in instance/ (kept between runs), serve it.
run: $(VENV)/.installed compile-catalogs
	@$(BIN)/ikzsurvey init-db
	@echo
	@IKZSURVEY_PUBLIC_URL=http://$(HOST):$(PORT) $(BIN)/ikzsurvey demo
	@echo
	@echo "Serving at http://$(HOST):$(PORT)/ — press Ctrl+C to stop."
	@# Plain HTTP on this machine only: session cookies without the Secure flag.
	@IKZSURVEY_SESSION_COOKIE_SECURE=false $(BIN)/ikzsurvey run --host $(HOST) --port $(PORT)

## make test [PYTEST_ARGS=...]: install with the test extras and run the whole suite, on
## as many workers as the machine has cores (pytest-xdist; whole files per worker).
PYTEST_ARGS ?= -n auto --dist loadfile
test: $(VENV)/.installed compile-catalogs
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench [ARGS=--quick]: the benchmark in bench/ (one JSON object per line; see
## docs/performance.md). Needs the PostgreSQL at 127.0.0.1:5432 unless ARGS=--database sqlite.
bench: $(VENV)/.installed compile-catalogs
	$(BIN)/python -m bench.run $(ARGS)

## Translations: msgids are English; catalogs in translations/ (core) and in each plugin.
extract: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot ikzsurvey
	@for dir in $(PLUGIN_CATALOGS); do \
	  name=$$(basename $$(dirname $$dir)); \
	  $(BIN)/pybabel extract --no-location -k _ -o $$dir/$$name.pot $$(dirname $$dir) || exit 1; \
	done

update-catalogs: extract
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations -D messages
	@for dir in $(PLUGIN_CATALOGS); do \
	  name=$$(basename $$(dirname $$dir)); \
	  $(BIN)/pybabel update --no-fuzzy-matching -i $$dir/$$name.pot -d $$dir -D $$name || exit 1; \
	done

compile-catalogs: $(VENV)/.installed
	@$(BIN)/pybabel --quiet compile -d translations -D messages >/dev/null
	@for dir in $(PLUGIN_CATALOGS); do \
	  name=$$(basename $$(dirname $$dir)); \
	  $(BIN)/pybabel --quiet compile -d $$dir -D $$name >/dev/null || exit 1; \
	done

catalogs: update-catalogs compile-catalogs

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
	find . -name '*.mo' -delete
