# tcpl - every target creates the virtualenv and installs pinned dependencies on first use.
#   make demo          set up, generate sample submissions, consolidate them (first command)
#   make test          run the tests
#   make template      write the blank form and one pre-filled form per unit to outputs/
#   make consolidate   consolidate the forms in inputs/ into outputs/
#   make appraisal-form  write the council's appraisal workbook to outputs/tham-dinh/
#   make bench         measure speed and memory against a baseline (see README)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CONFIG ?= config.toml
# No library may phone home: the product also turns these off itself.
export GX_ANALYTICS_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help demo test template consolidate appraisal-form bench clean lock docs

help:
	@sed -n '2,9p' Makefile

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) (first run only, about a minute)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: $(STAMP)
	@$(PY) -m pipeline demo --config $(CONFIG)

template: $(STAMP)
	@$(PY) -m pipeline template --config $(CONFIG)

consolidate: $(STAMP)
	@$(PY) -m pipeline consolidate --config $(CONFIG)

appraisal-form: $(STAMP)
	@$(PY) -m pipeline appraisal-form --config $(CONFIG)

test: $(STAMP)
	@$(PY) -m pytest

bench: $(STAMP)
	@$(PY) -m pipeline.bench

docs: $(STAMP)
	@$(PY) -m pipeline.docs README.md

lock:
	@rm -rf /tmp/tcpl-lock && $(PYTHON) -m venv /tmp/tcpl-lock
	@/tmp/tcpl-lock/bin/pip install --quiet -e '.[test]' && (echo '# Full pinned dependency set (pip freeze --all), Python 3.11. Regenerate: make lock'; /tmp/tcpl-lock/bin/pip freeze --all --exclude-editable | grep -v '^pip==' | sort -f) > requirements.lock
	@echo "requirements.lock regenerated"

clean:
	rm -rf $(VENV) outputs/* demo .pytest_cache
	@touch outputs/.gitkeep
