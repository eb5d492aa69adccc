# The two commands a fresh machine needs: `make generate` and `make test`.
# Each one creates .venv and installs the pinned packages first when they are missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
VENDOR ?=
PORT   ?= 8000

.PHONY: generate check test mock lint bench clean mutants

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

generate: $(STAMP)   ## regenerate what changed in generated/ and report each vendor's API changes
	$(BIN)/python -m generator generate

diff: $(STAMP)       ## API changes between two spec versions; exits 1 on a breaking one
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "usage: make diff OLD=<folder|file|REV:path> NEW=<...> [JSON=1]"; exit 2; }
	$(BIN)/python -m generator diff "$(OLD)" "$(NEW)" $(if $(JSON),--json)

watch: $(STAMP)      ## regenerate a vendor whenever its spec or overlay is saved
	$(BIN)/python -m generator watch

check: $(STAMP)      ## fail, naming each stale file, when generated/ does not match specs/
	$(BIN)/python -m generator check

test: $(STAMP)       ## every test: generator, runtime, generated contract tests, README
	$(BIN)/python -m generator check
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

mock: $(STAMP)       ## serve every mock from PORT up, or one: make mock VENDOR=showapi PORT=8000
	$(BIN)/python -m generator.runtime.mock.serve $(VENDOR) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check generator tests bench

bench: $(STAMP)      ## benchmarks (ratios side by side in one run; installs wrk / Prism on first use)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-profile: $(STAMP)   ## where the time goes on the benchmarked paths (cProfile)
	$(BIN)/python -m bench.profile $(BENCH_ARGS)

mutants: $(STAMP)    ## mutation testing of generator/runtime/: make mutants [MODULES="tasks mock/store"]
	$(BIN)/python -m mutation.run $(MODULES) $(MUTANTS_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info bench/.node bench/results .mutation
