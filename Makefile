# retold: `make run` installs into .venv and runs the demo; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: run test lint typecheck unit install bench clean

run: $(STAMP)
	$(BIN)/retold compare --demo
	$(BIN)/retold dedup src/retold/data/demo/corpus.jsonl -o $(OUT)/clusters.jsonl

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,serve,accurate,ray,datatrove]'
	touch $(STAMP)

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks training
	$(BIN)/ruff format --check src tests benchmarks training

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collects no tests; that is not a failure of the code
unit: $(STAMP)
	$(BIN)/pytest --doctest-modules src/retold tests || [ $$? -eq 5 ]

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/compare_bench.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
