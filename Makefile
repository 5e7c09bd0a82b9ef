# The two everyday commands:
#   make run    set up .venv and execute the notebook series for the sample jurisdiction
#   make test   set up .venv and run the whole test suite
# Options: make run ARGS="--jurisdiction 06037 --data-dir path/to/files"
#          make test PYTEST_ARGS="-k fips"

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup widgets run test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/voila-widgets.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) widgets
	touch $(STAMP)

# The widgets build that dashboards load, apart from JupyterLab's (workbook/serve/widgets.py).
# Conda: make widgets BIN=$$CONDA_PREFIX/bin
widgets:
	$(BIN)/python -m workbook.serve.widgets

run: $(STAMP)
	$(BIN)/workbook run $(if $(ARGS),$(ARGS),--data-dir data/sample)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check workbook tests bench
	$(BIN)/ruff format --check workbook tests bench

bench: $(STAMP)
	$(BIN)/python bench/data_loading.py

clean:
	rm -rf $(VENV) output
