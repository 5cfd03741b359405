#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run all of it; pytest's summary is the last line.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --editable . --group dev

echo "== ruff check";          .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== mypy --strict";       .venv/bin/mypy --strict server bench/fakes
echo "== pytest"
exec .venv/bin/pytest -p no:cacheprovider "$@"
