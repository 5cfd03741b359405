#!/usr/bin/env bash
# Put the fim-lsp server and its run-time libraries into bundled/libs for the .vsix: pure-Python
# wheels only (any platform, Python 3.11+), so one .vsix runs wherever there is a Python 3.11+.
# PYTHON (default python3, 3.11+ with pip) does the resolving; nothing is installed into it.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(cd ../.. && pwd)
PYTHON=${PYTHON:-python3}
LIBS=bundled/libs
rm -rf "$LIBS"
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-compile --target "$LIBS" \
  --only-binary=:all: --implementation py --python-version 3.11 --abi none --platform any "$REPO"
rm -rf "$LIBS/bin" # console scripts written for this machine's interpreter; the extension runs bundled/tool
compiled=$(find "$LIBS" -name '*.so' -o -name '*.pyd' -o -name '*.dylib')
if [ -n "$compiled" ]; then
  echo "bundle-server: compiled extensions would tie the .vsix to one platform:" >&2
  echo "$compiled" >&2
  exit 1
fi
printf 'bundled: %s\n' "$(cd "$LIBS" && ls -d -- *.dist-info | sed 's/\.dist-info$//' | tr '\n' ' ')"
