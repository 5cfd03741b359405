#!/usr/bin/env bash
# Set up what the test suite needs (skipping what is already there), then run it; pytest's summary is
# the last line.
#   ./tools/test.sh                  everything: lint, types, unit, end to end, benchmarks' quick runs,
#                                    the real editors (installs them first) and the VS Code extension
#   ./tools/test.sh --fast           lint, types, unit and end-to-end tests: no editors, nothing to install
#                                    but .venv/
#   ./tools/test.sh [--fast] [--] ARGS...   ARGS go to pytest (e.g. -x, -k cache); a full run with
#                                    ARGS installs everything, then runs pytest once with them
# FIM_LSP_TEST_JOBS: how many tests run at once (default: the number of cores). README.md says what
# each mode needs and leaves on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

FAST=0
ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
  --fast) FAST=1 ;;
  -h | --help)
    sed -n '2,12s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
  --)
    shift
    ARGS+=("$@")
    break
    ;;
  *) ARGS+=("$1") ;;
  esac
  shift
done

step() { printf '== %s (%ss)\n' "$*" "$SECONDS"; }

. tools/lib/private-dirs.sh
private_dirs

# .venv: made and filled only when pyproject.toml or the Python changed since it was last filled
STAMP=.venv/.fim-lsp-installed
want="$(python3 --version) $(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c 'import fim_lsp' 2>/dev/null; then
  step "Python packages into .venv"
  python3 -m venv .venv
  # --group needs pip 25.1; asking for it fails loudly where an upgrade would quietly keep an old pip
  .venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"
  .venv/bin/python -m pip install --quiet --editable . --group dev
  echo "$want" >"$STAMP"
else
  step ".venv up to date"
fi

# the tests run in parallel: they wait on servers and editors more than they compute
pytest() { .venv/bin/pytest -p no:cacheprovider -n "${FIM_LSP_TEST_JOBS:-$(nproc)}" "$@"; }

step "ruff check"
.venv/bin/ruff check .
step "ruff format --check"
.venv/bin/ruff format --check .
step "mypy --strict"
.venv/bin/mypy --strict server bench/fakes

# the fast part comes first in a full run too (so CI runs --fast's own steps): quick answers before
# the long installs
if [ "$FAST" = 1 ] || [ ${#ARGS[@]} -eq 0 ]; then
  step "pytest: unit and end-to-end tests"
  pytest tests/unit tests/e2e "${ARGS[@]}"
  [ "$FAST" = 0 ] || exit 0
fi

step "Neovim 0.12 for tests/editors (Debian sid)"
bash tools/install-nvim-sid.sh .cache/nvim-sid
step "Emacs 30 and lsp-mode 10 for tests/editors"
bash tools/install-emacs.sh .cache/emacs
step "Helix for tests/editors (Debian trixie)"
bash tools/install-helix.sh .cache/helix
step "Vim, ALE and tmux for tests/editors"
bash tools/install-vim-ale.sh
step "VS Code extension: build, package, unit tests, code-server end to end"
FIM_LSP_PYTHON="$REPO/.venv/bin/python" bash clients/vscode/ci.sh

if [ ${#ARGS[@]} -eq 0 ]; then
  step "pytest: benchmarks' quick runs, Neovim 0.11 and 0.12, Emacs, Helix, Vim"
  pytest --ignore=tests/unit --ignore=tests/e2e
else
  step "pytest ${ARGS[*]}"
  pytest "${ARGS[@]}"
fi
