# Two commands:
#   make demo   bake the default answers into build/demo and run that project's demo
#   make test   run every template test (hooks, bad answers, bakes, rendered projects' tests)
# Both create .venv/ (Python 3.11 or 3.10) on first use and install what they need once.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.template-installed
DEMO_DIR := build/demo
DEMO_PROJECT := $(DEMO_DIR)/iris-batch-scoring
RENDERED_PYPROJECT := {{cookiecutter.project_slug}}/pyproject.toml
# Two pytest-xdist workers; an idle worker steals queued tests (the rendered suites are long).
# Override with e.g. make test PYTEST_ARGS="-n 0 -k defaults".
PYTEST_ARGS ?= -n 2 --dist worksteal --durations=10
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The Azure ML SDK v1 installs on Python 3.10 and 3.11 only (on 3.12 pip falls back to 2020
# releases), so look for one of those; `make PYTHON=/path/to/python3.11` overrides.
PYTHON ?= $(shell for candidate in python3.11 python3.10 python3 python; do \
	command -v $$candidate >/dev/null 2>&1 && \
	$$candidate -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 10), (3, 11)))' \
	2>/dev/null && { echo $$candidate; break; }; done)

.PHONY: demo test install clean

$(PY):
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or 3.10 not found; install one or run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] in ((3, 10), (3, 11)), "Python 3.10 or 3.11 needed, not " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Installs again only when a requirement changes (pip's cache keeps reinstalls fast).
$(STAMP): tests/requirements.txt $(RENDERED_PYPROJECT) .ci/rendered_requirements.py | $(PY)
	$(PY) -m pip install --quiet -r tests/requirements.txt
	$(PY) .ci/rendered_requirements.py > $(VENV)/rendered-requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/rendered-requirements.txt
	@touch $@

install: $(STAMP)

# The template's own code (hooks, tests, benchmarks) is linted too; the rendered project is
# linted per bake by tests/test_generation.py.
test: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(PY) -m pytest $(PYTEST_ARGS)

# The rendered project's own `make demo`, run with this .venv: -o tells its Makefile that
# its install step is done, and PYTHONPATH=src imports the package without installing it.
demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input --output-dir $(DEMO_DIR) .
	PYTHONPATH=src $(MAKE) --no-print-directory -C $(DEMO_PROJECT) demo \
		VENV=$(CURDIR)/$(VENV) -o $(CURDIR)/$(VENV)/.installed
	@echo
	@echo "The demo project is in $(CURDIR)/$(DEMO_PROJECT)"

clean:
	rm -rf build .pytest_cache .ruff_cache
