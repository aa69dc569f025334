# compare: every target documents itself; `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := .stamps/apt

.DEFAULT_GOAL := help
.PHONY: help setup system browser reports reports-standalone test lint lab bench themes-eval clean-cache

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name compare --display-name "compare (.venv)" >/dev/null
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with its dev tools

# Debian packages: OCR (Tesseract + Chinese model), LibreOffice for .doc/.wps, CJK fonts
# (reports; TrueType ones that reportlab embeds in tests/docgen.py's PDFs), Chromium for the browser tests.
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-uming chromium

$(APT_STAMP):
	@mkdir -p .stamps
	@if [ -x /usr/bin/chromium ] && command -v tesseract >/dev/null && command -v soffice >/dev/null \
	    && tesseract --list-langs 2>/dev/null | grep -q chi_sim && [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] \
	    && [ -f /usr/share/fonts/truetype/arphic/uming.ttc ] \
	    && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; fi
	touch $(APT_STAMP)

system: $(APT_STAMP) ## install the Debian packages: Tesseract chi_sim, LibreOffice, CJK fonts, Chromium

browser: system ## (alias) Chromium and CJK fonts for the browser tests

reports: setup system ## set up, then regenerate every report under reports/ (incremental)
	$(BIN)/compare render

reports-standalone: setup system ## like reports, but each report a single ~5 MB file (plotly.js inlined)
	$(BIN)/compare render --standalone

test: setup browser ## set up, then run ruff and the whole test suite
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest -q

lint: setup ## ruff check and format check
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

lab: setup ## open the notebooks in JupyterLab with the project's kernel
	$(BIN)/jupyter lab notebooks/

bench: setup system ## report suite + stages, N=100,250,1000 → benchmarks/RESULTS.md (~15 min; BENCH_SIZES=...,10000 adds 10k), formats → FORMATS.md
	$(BIN)/python benchmarks/bench.py $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))
	$(BIN)/python benchmarks/formats.py

themes-eval: setup ## cross-validate the theme coder, held-out set, clusters: writes benchmarks/THEMES.md
	$(BIN)/python benchmarks/eval_themes.py

clean-cache: ## delete derived caches under data/interim (never data/raw)
	rm -rf data/interim
