# Two commands for a newcomer: `make run` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
NOW    ?=
# `make run NOW=2026-12-14T09:30:00+01:00` runs the demo at that instant (a fixed clock).
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench mutation clean system

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
	$(BIN)/rituel web link camille.roussel@guichet-lisiere.example --config config.toml $(if $(NOW),--now $(NOW))
	$(BIN)/rituel run --config config.toml $(if $(NOW),--now $(NOW))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

# The system packages the PDF report and the browser tests need (Pango, poppler, Chromium),
# installed when absent; needs root (CI runs it from .ci/run).
system:
	bash .ci/system-packages

# Not part of `test`: minutes of work; writes bench/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python bench/suite.py

# Not part of `test`: minutes of work; mutates scheduler/core, the reply matcher and the
# workspace's door ([tool.mutmut] in pyproject.toml), kills the mutants with their specification
# tests and prints the score per module, last `mutation score: KILLED/TOTAL (P %)` (mutation/run.py).
mutation: $(VENV)/.mutation
	$(BIN)/python mutation/run.py

$(VENV)/.mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,mutation]'
	@touch $@

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis mutants
