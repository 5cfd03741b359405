#!/usr/bin/env bash
# Install Neovim 0.12.x from Debian sid without touching the system: DEST/root/usr/bin/nvim.
# Usage: tools/install-nvim-sid.sh [DEST]   (default .cache/nvim-sid; run it where the binary will live,
# the loader path is baked in). sid's neovim needs a newer glibc than bookworm's, so the .debs are
# downloaded with a private apt state, extracted, and the binary is patchelf'ed onto the extracted libs.
set -euo pipefail
DEST=$(realpath -m "${1:-.cache/nvim-sid}")
NVIM="$DEST/root/usr/bin/nvim"
if [ -x "$NVIM" ] && "$NVIM" --headless --clean -n +'lua io.stdout:write(vim.fn.has("nvim-0.12"))' +qa 2>/dev/null | grep -q 1; then
  "$NVIM" --version | head -1
  exit 0
fi
. "$(dirname "$0")/lib/debian-suite.sh"
private_apt "$DEST" sid
# neovim and two levels of its dependencies (libc6, luajit, libuv, tree-sitter, ...), named as sid
# names them today, so a renamed library (libtree-sitter0.26 -> 0.27) needs no edit here
# shellcheck disable=SC2046
download "$DEST" neovim $(deps neovim $(deps neovim))
extract "$DEST"
patch_onto "$DEST" "$NVIM"
"$NVIM" --version | head -1
