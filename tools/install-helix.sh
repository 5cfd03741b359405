#!/usr/bin/env bash
# Install Helix from Debian trixie without touching the system: DEST/root/usr/bin/hx, its runtime in
# DEST/root/usr/lib/hx/runtime (HELIX_RUNTIME). Usage: tools/install-helix.sh [DEST]   (default
# .cache/helix; run it where the binary will live, the loader path is baked in). bookworm has no Helix
# and trixie's needs a newer glibc, so the .debs are downloaded with a private apt state, extracted,
# and the binary is patchelf'ed onto the extracted libs, as tools/install-nvim-sid.sh does for Neovim.
set -euo pipefail
DEST=$(realpath -m "${1:-.cache/helix}")
HX="$DEST/root/usr/bin/hx"
if [ -x "$HX" ] && "$HX" --version >/dev/null 2>&1; then
  "$HX" --version
  exit 0
fi
. "$(dirname "$0")/lib/debian-suite.sh"
private_apt "$DEST" trixie
# hx and two levels of its dependencies (libc6, libgcc-s1, ...), named as trixie names them
# shellcheck disable=SC2046
download "$DEST" hx $(deps hx $(deps hx))
extract "$DEST"
patch_onto "$DEST" "$HX"
"$HX" --version
