# Two commands for a newcomer: `make run` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench mutation clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/rituel import partners demo/partners.csv --config config.toml
	$(BIN)/rituel import suppliers demo/suppliers.csv --config config.toml
	$(BIN)/rituel import buyers demo/buyers.csv --config config.toml
	$(BIN)/rituel import contacts demo/contacts.csv --config config.toml
	$(BIN)/rituel feeds links --config config.toml
	$(BIN)/rituel run --config config.toml

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

# Not part of `test`: minutes of work; writes bench/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python bench/suite.py

# Not part of `test`: minutes of work; mutates scheduler/core, kills the mutants with tests/core
# and prints the score per module, last `mutation score: KILLED/TOTAL (P %)` (mutation/run.py).
mutation: $(VENV)/.mutation
	$(BIN)/python mutation/run.py

$(VENV)/.mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,mutation]'
	@touch $@

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis mutants
