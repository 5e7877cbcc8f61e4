# 法院人大代表、政协委员联络工作平台 — everyday commands.
#   make run    install, create/upgrade the SQLite database and the first admin, serve on http://127.0.0.1:5000
#   make test   install, then run every test (SQLite; PostgreSQL too when PORTAL_TEST_DATABASE_URL is set; browser)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
CHROMIUM := /usr/lib/chromium/chromium

# Python keeps compiled modules, and pytest its rewritten test modules, in __pycache__: where the machine sets
# PYTHONDONTWRITEBYTECODE, every test worker of every pass would compile the portal and the tests again (~7 s each).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install install-test run test lint chromium wrk demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/flask --app portal init-db
	@echo "门户已启动：http://$(HOST):$(PORT)  （按 Ctrl+C 停止）"
	$(BIN)/waitress-serve --host $(HOST) --port $(PORT) --threads 8 wsgi:app

# init-db asks nothing here (stdin is not a terminal): the demo names the court 云岭市中级人民法院 itself.
demo: install
	$(BIN)/flask --app portal init-db < /dev/null
	$(BIN)/flask --app portal seed-demo --size 1

lint: install-test
	$(BIN)/ruff check portal tests

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work on a court intranet.
chromium:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

# The SQLite run moves the clock to 17:00 UTC (Beijing is a day ahead then); the PostgreSQL run keeps the real clock.
test: install-test chromium lint
	env -u PORTAL_TEST_DATABASE_URL PORTAL_TEST_UTC_HOUR=17 $(BIN)/python -m pytest -p no:cacheprovider -n auto
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$PORTAL_TEST_DATABASE_URL =="; \
	  $(BIN)/python -m pytest -p no:cacheprovider -n auto -m "not e2e"; \
	fi

# Every page under gunicorn as ratios to a bare hello app, on seed-demo --size $(BENCH_SIZE) (default 50): writes
# bench/RESULTS.md and bench/results.json. Also on PostgreSQL with BENCH_DATABASE_URL=… (that database is emptied).
# BENCH_PROVINCE=1 runs on the province data set (seed-demo --province; BENCH_SCALE a fraction of it).
bench: install wrk
	$(BIN)/python -m tests.benchmarks.run

wrk:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wrk; }

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
