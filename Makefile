# Backbeat: `make run` opens the demo class, `make test` runs the suite.
# Both create .venv when missing; system packages come from scripts/system-deps.sh.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM_PLUGIN_PATH :=

.PHONY: run test bench lint system-deps snapshots clean sounds

$(STAMP): pyproject.toml
	@bash scripts/system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

run: $(STAMP)
	$(VENV)/bin/backbeat demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py

snapshots: $(STAMP)
	bash scripts/snapshots.sh

sounds:
	bash sounds/make_sounds.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info
