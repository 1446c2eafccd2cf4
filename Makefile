# Two set-up commands: `make site` builds the sample site, `make test` runs the whole test suite.
# Both create .venv on first use (`make test` with the `cluster` extra: Ray, for the --cluster test).
# Torch (needed by argostranslate's dependency stanza) is installed
# first and pinned, so pip does not pick a multi-GB CUDA build; on a machine with internet access,
# `make site TORCH_INDEX="--index-url https://download.pytorch.org/whl/cpu"` fetches the CPU wheel.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
TORCH_INDEX ?=

.PHONY: site test serve check clean

site: $(VENV)/.installed
	$(BIN)/python -m generator build

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

serve: $(VENV)/.installed
	$(BIN)/python -m generator serve

check: $(VENV)/.installed
	$(BIN)/python -m generator check

$(VENV)/.torch:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "torch==$(TORCH_VERSION)" $(TORCH_INDEX)
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install --quiet -e '.[test,cluster]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf output .cache
