# genai-guard developer entry points. Works on a fresh machine with Python 3.11 and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest docs bench corpus protocol clean

# A .venv left by an older Python (a first try with 3.10) is detected and rebuilt, not reused.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "genai-guard needs Python 3.11 or newer; $(PYTHON) is not. Run: make PYTHON=python3.11 $(MAKECMDGOALS)"; \
	  exit 1; }
	@if [ -e $(VENV) ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	  echo "$(VENV) is stale (no working Python 3.11+ in it); removing it"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

pytest: $(STAMP)
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir .site

test: lint typecheck docs pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# The training corpus (docs/training-data.md): fetched into ~/.cache/genai-guard-corpus, never
# into the repository. MIRRORS names a folder of local git mirrors (owner+name/repo).
corpus: $(STAMP)
	PYTHONPATH=tools $(BIN)/python -m corpus_builder build $(if $(MIRRORS),--mirrors $(MIRRORS))

# The evaluation protocol on the built corpus; writes its section of docs/model-card.md.
protocol: $(STAMP)
	$(BIN)/python -m genai_guard.training --mode protocol --report protocol-report.json

clean:
	rm -rf $(VENV) .site .mypy_cache .pytest_cache .ruff_cache
