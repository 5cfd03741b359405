#!/usr/bin/env bash
# Install what tests/editors/emacs needs: Emacs 30 or newer (built-in eglot and completion-preview-mode)
# and lsp-mode 10 (the first with inline completion) with its Elisp dependencies.
# Usage: tools/install-emacs.sh [DEST]   (default .cache/emacs; lsp-mode ends up in DEST/elpa/, a
# package.el directory: `(add-to-list 'package-directory-list "DEST/elpa")` then `(package-initialize)`)
# Emacs: apt, from the release's backports when the release's own Emacs is older than 30 (bookworm has
# 28.2, bookworm-backports 30.1), named only in a private apt state under DEST (the system's apt sources
# are left as they were). lsp-mode: no Debian release before sid has 10.x, so its .debs (pure
# Elisp) are downloaded from sid with a private apt state, extracted and byte-compiled into DEST; the
# system's packages are left alone. Quick when everything is already there.
set -euo pipefail
DEST=$(realpath -m "${1:-.cache/emacs}")
major() { emacs --batch -Q --eval '(princ emacs-major-version)' 2>/dev/null || echo 0; }

. "$(dirname "$0")/lib/debian-suite.sh"

if [ "$(major)" -lt 30 ]; then
  apt-get update -qq
  candidate=$(apt-cache policy emacs-nox | sed -n 's/^ *Candidate: *\(1:\)\{0,1\}\([0-9]*\).*/\2/p')
  APT=()
  TARGET=()
  if [ "${candidate:-0}" -lt 30 ]; then
    . /etc/os-release
    system_apt_with "$DEST" "$VERSION_CODENAME-backports"
    TARGET=(-t "$VERSION_CODENAME-backports")
  fi
  DEBIAN_FRONTEND=noninteractive apt-get "${APT[@]}" -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${TARGET[@]}" emacs-nox >/dev/null
  [ ${#APT[@]} -eq 0 ] || apt-get "${APT[@]}" clean # the private state's downloaded .debs
fi
emacs --version | head -1

ELPA="$DEST/elpa"
if compgen -G "$ELPA/lsp-mode-*/lsp-inline-completion.elc" >/dev/null; then
  echo "lsp-mode: $(basename "$ELPA"/lsp-mode-*)"
  exit 0
fi
private_apt "$DEST" sid
# lsp-mode and its Elisp dependencies (dash, f, s, ht, spinner, markdown-mode, lv), as sid names them
PKGS=(elpa-lsp-mode)
for _ in 1 2 3; do
  # shellcheck disable=SC2207
  PKGS=($(printf '%s\n' "${PKGS[@]}" $(deps "${PKGS[@]}" | grep '^elpa-') | sort -u))
done
download "$DEST" "${PKGS[@]}"
rm -rf "$ELPA"
extract "$DEST"
# Debian keeps each package as package.el would (NAME-VERSION/ with its -pkg.el and -autoloads.el)
mv "$DEST/root/usr/share/emacs/site-lisp/elpa-src" "$ELPA"
rm -rf "$DEST/root" "$DEST/debs" "$DEST/apt/cache"
# byte-compile what lsp-mode loads for a session with completion and inline completion; its ~150
# per-language client files are left as they are (a config that names its own server needs none)
COMPILE=()
for f in "$ELPA"/*/*.el; do
  case "$f" in
  "$ELPA"/lsp-mode-*/*) [[ $(basename "$f") =~ ^lsp-(mode|protocol|completion|inline-completion|semantic-tokens|icons|diagnostics|modeline|headerline|lens|ido|dired|iedit|rename)\.el$ ]] || continue ;;
  esac
  [[ $f == *-pkg.el || $f == *-autoloads.el ]] || COMPILE+=("$f")
done
LOADPATH=()
for dir in "$ELPA"/*/; do LOADPATH+=(-L "$dir"); done
# with a home of its own: native compilation puts trampolines in ~/.emacs.d/eln-cache
mkdir -p "$DEST/home"
HOME=$DEST/home emacs --batch -Q "${LOADPATH[@]}" --eval '(setq byte-compile-warnings nil)' -f batch-byte-compile "${COMPILE[@]}" 2>&1 |
  grep -E '^Error|error:' || true
compgen -G "$ELPA/lsp-mode-*/lsp-inline-completion.elc" >/dev/null || { echo "lsp-mode did not compile" >&2; exit 1; }
echo "lsp-mode: $(basename "$ELPA"/lsp-mode-*)"
