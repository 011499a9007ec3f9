# tcpl - every target creates the virtualenv and installs pinned dependencies on first use.
#   make demo          set up, generate sample submissions, consolidate them (first command)
#   make test          run the tests                     (pytest options: make test ARGS="-k cli")
#   make lint          ruff (lint + format check), the layer contracts (import-linter), mypy
#   make template      write the blank form and one pre-filled form per unit to outputs/
#   make consolidate   consolidate the forms in inputs/ into outputs/
#   make appraisal-form  write the council's appraisal workbook to outputs/tham-dinh/
#   make reports       consolidate the communes' periodic reports  (ARGS="--period 6-thang" or --period nam)
#   make bench         measure speed and memory against a baseline (bench/, see README)
#   make bundle        the folder to copy by USB to a Windows PC (dist/tcpl-windows/, see README)
# Options: CONFIG=other.toml (default config.toml) and ARGS="..." passed on to the command, e.g.
#   make consolidate ARGS="--today 07/01/2024"   make appraisal-form ARGS=--demo
#   make bench ARGS="--sizes 7,166 --repeat 1"    make bundle PYTHON_INSTALLER=python-3.11.9-amd64.exe

VENV   := .venv
# A virtualenv made on Windows has Scripts/python.exe, elsewhere bin/python: use the one that
# exists, or the platform's layout before the venv is made (the recipes need a POSIX shell,
# e.g. Git Bash, on Windows).
ifneq ($(wildcard $(VENV)/Scripts/python.exe),)
PY     := $(VENV)/Scripts/python.exe
else ifneq ($(wildcard $(VENV)/bin/python),)
PY     := $(VENV)/bin/python
else ifeq ($(OS),Windows_NT)
PY     := $(VENV)/Scripts/python.exe
else
PY     := $(VENV)/bin/python
endif
ifeq ($(OS),Windows_NT)
PYTHON ?= python
else
PYTHON ?= python3
endif
BIN    := $(dir $(PY))
STAMP  := $(VENV)/.installed
CONFIG ?= config.toml
ARGS   ?=
BUNDLE ?= dist/tcpl-windows
PYTHON_INSTALLER ?=
# No library may phone home: the product also turns these off itself.
export GX_ANALYTICS_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help demo test lint template consolidate appraisal-form reports bench bundle clean lock docs

help:
	@sed -n '2,15p' Makefile

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) (first run only, about a minute)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: $(STAMP)
	@$(PY) -m pipeline demo --config $(CONFIG) $(ARGS)

template: $(STAMP)
	@$(PY) -m pipeline template --config $(CONFIG) $(ARGS)

consolidate: $(STAMP)
	@$(PY) -m pipeline consolidate --config $(CONFIG) $(ARGS)

appraisal-form: $(STAMP)
	@$(PY) -m pipeline appraisal-form --config $(CONFIG) $(ARGS)

# The period is required: ARGS="--period 6-thang" (or nam); add --template for the report
# workbooks to send, --demo for a sample period.
reports: $(STAMP)
	@$(PY) -m pipeline reports --config $(CONFIG) $(ARGS)

test: $(STAMP)
	@$(PY) -m pytest $(ARGS)

# Checks only, never rewrites: `ruff format .` and `ruff check --fix .` are run by hand.
lint: $(STAMP)
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(BIN)lint-imports
	@$(PY) -m mypy

bench: $(STAMP)
	@$(PY) -m bench $(ARGS)

# Needs pip to reach a package index (here, once); the office PC then needs none. HEAD only.
bundle: $(STAMP)
	@$(PY) -m tools.bundle --out $(BUNDLE) $(if $(PYTHON_INSTALLER),--python-installer "$(PYTHON_INSTALLER)")

docs: $(STAMP)
	@$(PY) -m pipeline.app.docs README.md

lock:
	@rm -rf /tmp/tcpl-lock && $(PYTHON) -m venv /tmp/tcpl-lock
	@/tmp/tcpl-lock/bin/pip install --quiet -e '.[test,lint]' && (echo '# Full pinned dependency set (pip freeze --all), Python 3.11. Regenerate: make lock'; /tmp/tcpl-lock/bin/pip freeze --all --exclude-editable | grep -v '^pip==' | sort -f) > requirements.lock
	@echo "requirements.lock regenerated"

clean:
	rm -rf $(VENV) outputs/* demo dist .pytest_cache
	@touch outputs/.gitkeep
