# The two commands of the README: `make run` (the main job) and `make test` (the tests).
# Both build their own virtual environment in .venv from nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run test test-fast venv clean

$(BIN)/sm-harness: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $@

venv: $(BIN)/sm-harness

run: venv
	$(BIN)/python -m harness.cli.main_job --out $(OUT)

test: venv
	$(BIN)/python -m pytest

test-fast: venv
	$(BIN)/python -m pytest -m "not slow" -q

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
