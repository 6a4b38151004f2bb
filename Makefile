# eupact — the two commands of the README's quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint mutate install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The 2026 pool from the shipped Eurostat snapshot and the SYNTHETIC example pledges, then the
## dashboard on the 2026 demo cycle (stop it with Ctrl-C). DEMO_PORT=8000 by default.
DEMO_PORT ?= 8000
demo: $(STAMP)
	$(BIN)/eupact cycle run 2026 --as-of $$(date +%F) --out results/2026
	@echo "Results in results/2026 (summary.html, summary.md, result.json, report_2025.pdf)"
	$(BIN)/eupact serve --demo --port $(DEMO_PORT)

## The test suite (unit, golden cases, properties, CLI, API, browser), in parallel on the
## machine's cores; the browser tests share one worker (one pair of demo servers, one chromium).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup

## Benchmarks (pytest-benchmark); figures go to docs/performance.md by hand.
bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,mean,max,rounds -p no:xdist

## Mutation testing of the legal core (mutmut 3, configured in pyproject.toml [tool.mutmut]): not
## part of `make test` nor CI. Starts from a fresh mutants/ copy of src/ and tests/ (mutmut would
## otherwise keep stale copies of the unmutated files), then prints the survivors and the counts.
## MUTANTS restricts the run by mutant name, e.g. MUTANTS='eupact.pool.allocation.*'.
MUTANTS ?=
MUTATE_CHILDREN ?= 2
mutate: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) $(MUTANTS)
	$(BIN)/mutmut results | grep -v ': not checked$$' || true
	$(BIN)/mutmut export-cicd-stats
	@cat mutants/mutmut-cicd-stats.json
	@$(BIN)/python -c "import collections, glob, json; \
	status = {0: 'survived', 1: 'killed', 3: 'killed', 33: 'no tests', 36: 'timeout', -24: 'timeout', 24: 'timeout', None: 'not run'}; \
	[print(p[8:-5], dict(collections.Counter(status.get(v, 'other') for v in json.load(open(p))['exit_code_by_key'].values()))) \
	 for p in sorted(glob.glob('mutants/src/**/*.py.meta', recursive=True))]"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples tools/primary_extractions.py
	$(BIN)/ruff format --check src tests benchmarks examples tools/primary_extractions.py
	$(BIN)/mypy

clean:
	rm -rf $(VENV) results .pytest_cache .mypy_cache .ruff_cache .benchmarks
