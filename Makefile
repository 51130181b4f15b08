# fieldvoice: `make run` sets everything up, processes data/raw/ and serves the explorer; `make test` tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501

.PHONY: setup run pipeline app test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@echo "모델과 군집 코드를 미리 준비합니다 (처음 한 번, 1-2분)..."
	$(BIN)/python -m fieldvoice.warm
	@touch $(STAMP)

run: setup pipeline app

pipeline: setup
	$(BIN)/fieldvoice pipeline

app: setup
	$(BIN)/fieldvoice app --port $(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf .state .artifacts
