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
echo "== neovim 0.12 for tests/editors (Debian sid)"; bash tools/install-nvim-sid.sh .cache/nvim-sid
echo "== Emacs 30 and lsp-mode 10 for tests/editors"; bash tools/install-emacs.sh .cache/emacs
echo "== Helix for tests/editors (Debian trixie)"; bash tools/install-helix.sh .cache/helix
echo "== Vim, ALE and tmux for tests/editors"; bash tools/install-vim-ale.sh
echo "== VS Code extension: build, package, unit tests, code-server end to end"
FIM_LSP_PYTHON="$PWD/.venv/bin/python" bash clients/vscode/ci.sh

echo "== pytest (server, end to end, benchmarks' quick runs, Neovim 0.11 and 0.12, Emacs, Helix, Vim)"
exec .venv/bin/pytest -p no:cacheprovider "$@"
