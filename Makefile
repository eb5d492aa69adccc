# The two commands a fresh machine needs: `make generate` and `make test`.
# Each one creates .venv and installs the pinned packages first when they are missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
VENDOR ?=
PORT   ?= 8000

.PHONY: generate new check test test-lowest mock lint bench clean spectral doc-check mutants

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

generate: $(STAMP)   ## regenerate what changed in generated/ (FORCE=1: everything) and report API changes
	$(BIN)/python -m generator generate $(if $(FORCE),--force)

new: $(STAMP)        ## a skeleton spec for a new vendor: make new NAME=acme_images
	@test -n "$(NAME)" || { echo "usage: make new NAME=<package name>"; exit 2; }
	$(BIN)/python -m generator new "$(NAME)"

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
	$(BIN)/mypy --strict generator
	$(BIN)/python -m pytest

# The client and mock tests on the lowest versions pyproject.toml's ranges allow (uv's
# lowest-direct resolution, from PyPI), in their own environment: the ranges are proven.
LOWEST       := .venv-lowest
LOWEST_TESTS := tests/test_light_clients.py tests/test_showapi_client.py tests/test_showapi_mock.py \
                tests/test_kling.py tests/test_zhiqite.py tests/test_hdrepaint.py \
                tests/test_lifecycle.py tests/test_responses.py tests/test_pages.py \
                tests/test_caller_ids.py
test-lowest: $(STAMP)   ## client and mock tests with the lowest dependency versions allowed
	rm -rf $(LOWEST) && $(BIN)/uv venv --quiet --python $(BIN)/python $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e '.[mock]'
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python -c requirements.lock pytest vcrpy
	@$(BIN)/uv pip freeze --python $(LOWEST)/bin/python | grep -iE '^(httpx|pydantic|pyjwt|starlette|uvicorn|pillow|openapi-schema-validator|python-multipart)=' | tr '\n' ' '; echo
	$(LOWEST)/bin/python -m pytest -p no:cacheprovider $(LOWEST_TESTS)

mock: $(STAMP)       ## serve every mock from PORT up, or one: make mock VENDOR=showapi PORT=8000
	$(BIN)/python -m generator.runtime.mock.serve $(VENDOR) --port $(PORT) $(MOCK_ARGS)

spectral: $(STAMP)   ## Spectral's oas ruleset on every spec (installs Spectral from npm into .tools/ first)
	$(BIN)/python -m generator.spectral $(VENDOR)

doc-check: $(STAMP)  ## compare a vendor's document with its spec: make doc-check VENDOR=kling DOC=path
	@test -n "$(VENDOR)" -a -n "$(DOC)" || { echo "usage: make doc-check VENDOR=<vendor> DOC=<document>"; exit 2; }
	$(BIN)/python -m generator doc-check "$(VENDOR)" "$(DOC)"

lint: $(STAMP)       ## ruff (lint and format) and mypy --strict on generator/ (the runtime included) and bench/
	$(BIN)/ruff check . && $(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy --strict generator bench

bench: $(STAMP)      ## benchmarks (ratios side by side in one run; installs wrk / Prism on first use)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-profile: $(STAMP)   ## where the time goes on the benchmarked paths (cProfile)
	$(BIN)/python -m bench.profile $(BENCH_ARGS)

mutants: $(STAMP)    ## mutation testing of generator/runtime/: make mutants [MODULES="tasks mock/store"]
	$(BIN)/python -m mutation.run $(MODULES) $(MUTANTS_ARGS)

clean:
	rm -rf $(VENV) $(LOWEST) build *.egg-info bench/.node bench/results .tools .mutation
