# dualrole — every set-up step is a target; each installs what it needs first.
# Only Python 3.11+ and make are assumed: uv is bootstrapped into .tools/ when missing.

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
# Trust the operating system's certificate store (where a proxy's CA is installed), as pip does.
export UV_SYSTEM_CERTS := 1
RUN := $(UV) run --locked --python $(PYTHON)

.PHONY: demo test explore lint format screenshots bench docs sync clean

## Open the app on a fresh demo workspace (built once in demo/, kept between runs).
demo: sync
	$(RUN) dualrole --db demo/demo.db demo

## Run the whole test suite exactly as CI does: lint, format, import contracts, types, pytest
## (on every core: pyproject's addopts give pytest-xdist `-n auto`; add `-n0` for one process).
test: sync
	$(RUN) ruff check src tests
	$(RUN) ruff format --check src tests
	$(RUN) lint-imports
	$(RUN) mypy
	$(RUN) pytest

## The property tests with freshly drawn examples (CI replays the same ones every run).
explore: sync
	HYPOTHESIS_PROFILE=explore $(RUN) pytest -q tests/test_properties.py \
		tests/interop/test_interop_properties.py tests/reliability/test_sql_safety.py

## Fix lint and formatting in place.
format: sync
	$(RUN) ruff check --fix src tests
	$(RUN) ruff format src tests

## Regenerate the SVG screenshots in screenshots/ from the demo data.
screenshots: sync
	$(RUN) python -m dualrole.tui.screenshots screenshots

## Benchmark small vs large workspaces and print PASS/FAIL per target.
bench: sync
	$(RUN) python -m dualrole.bench

## The manual: regenerate the command-line reference, then build the site into site/ (strict).
docs: sync
	$(RUN) python -m dualrole.cli.reference docs/reference/cli.md
	NO_MKDOCS_2_WARNING=1 $(RUN) mkdocs build --strict

## Install the locked dependencies into .venv (bootstrapping uv if needed).
sync: $(UV)
	$(UV) sync --locked --python $(PYTHON) --quiet

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

clean:
	rm -rf .venv .tools .pytest_cache .ruff_cache demo site
