#!/usr/bin/env bash
# Install what tests/editors/vim needs, with apt and only what is missing: Vim with +job and +channel
# (Debian's vim; vim-tiny has neither), ALE (Debian's vim-ale, an optional package: `packadd! ale`)
# and tmux, which the Vim and Helix tests run the editor in.
set -euo pipefail
need=()
command -v tmux >/dev/null || need+=(tmux)
vim --version 2>/dev/null | grep -q '+job' || need+=(vim)
[ -f /usr/share/vim-ale/plugin/ale.vim ] || need+=(vim-ale)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
vim --version | head -1
echo "ALE $(dpkg-query -W -f '${Version}' vim-ale), $(tmux -V)"
