#!/usr/bin/env bash
# Set up fim-lsp on a fresh machine and run it (the language server over stdio unless given a command).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/fim-lsp ]; then
    python3 -m venv .venv >&2
    .venv/bin/python -m pip install --quiet --upgrade pip >&2
    .venv/bin/python -m pip install --quiet . >&2
fi
exec .venv/bin/fim-lsp "$@"
