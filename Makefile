# Backbeat: `make run` opens the demo class, `make test` runs the suite.
# Both create .venv when missing; system packages come from scripts/system-deps.sh.
# `make run` installs what running needs (no test packages, no dev extras);
# simpleaudio is built only where a C compiler is present.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM_PLUGIN_PATH :=
export PYTHON

.PHONY: run test bench soak lint system-deps snapshots clean sounds venv-size package package-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	@bash scripts/system-deps.sh runtime
	$(PY) -m pip install --quiet -e .
	@$(PY) -m pip uninstall --quiet -y simpleaudio 2>/dev/null || true  # 1.0.4 crashes (see audio/player.py)
	@if command -v cc >/dev/null 2>&1; then \
	  $(PY) -m pip install --quiet 'simpleaudio-patched>=1.0.5' || echo "simpleaudio did not build: the sound backend needs it or sounddevice (see packaging/README.md)"; \
	else echo "no C compiler: simpleaudio not built (bash scripts/system-deps.sh simpleaudio adds one)"; fi
	@touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	@bash scripts/system-deps.sh runtime simpleaudio test
	@$(PY) -m pip uninstall --quiet -y simpleaudio 2>/dev/null || true  # 1.0.4 crashes (see audio/player.py)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# make system-deps GROUPS="runtime simpleaudio test" (see the script's header)
GROUPS ?= runtime
system-deps:
	@bash scripts/system-deps.sh $(GROUPS)

run: $(RUN_STAMP)
	$(VENV)/bin/backbeat demo

# The venv's size, and the largest packages in it (the Qt wheel dominates).
# The frozen one-folder bundle, dist/backbeat/ (PyInstaller, packaging/backbeat.spec),
# and its smoke test (--version, plan, snapshot tv, demo up 5 s; size, start times).
package: $(STAMP)
	@bash scripts/system-deps.sh package
	$(PY) -m pip install --quiet -e '.[dev,package]'
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/backbeat.spec

package-test: package
	$(PY) packaging/smoke_test.py dist/backbeat

venv-size: $(RUN_STAMP)
	@du -sh $(VENV)
	@du -sm $(VENV)/lib/python3*/site-packages/* | sort -rn | head -5

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	@bash scripts/system-deps.sh bench
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py

# hours of classes at fake time, then ten real minutes with sound and a tapping
# kiosk (SOAK_CLASSES, SOAK_REAL_S shorten it): about 15 minutes
soak: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/soak.py

snapshots: $(STAMP)
	bash scripts/snapshots.sh

sounds:
	bash sounds/make_sounds.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info
