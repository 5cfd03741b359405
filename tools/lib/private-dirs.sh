# Leave the home and temporary folders as they were: source it, then `private_dirs` points TMPDIR,
# tmux's socket folder and the XDG folders (config, data, state, cache) of everything started after
# it at one new folder under the temporary folder, removed when the sourcing script exits. Editors,
# code-server, Chromium, Node and the tests then write their sockets, settings, logs and caches
# there instead of into ~/.config, ~/.local, ~/.cache and /tmp. pip keeps the user's settings and its
# download cache (~/.cache/pip), npm its own (~/.npmrc, ~/.npm: npm does not read the XDG folders).

private_dirs() {
  local dir name pip_conf=${XDG_CONFIG_HOME:-$HOME/.config}/pip/pip.conf
  [ -n "${PIP_CONFIG_FILE:-}" ] || [ ! -f "$pip_conf" ] || export PIP_CONFIG_FILE=$pip_conf
  export PIP_CACHE_DIR=${PIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pip}
  # short: code-server's IPC sockets go in it, and a socket's path has at most 107 bytes
  dir=$(mktemp -d "${TMPDIR:-/tmp}/fim.XXXXXX")
  # shellcheck disable=SC2064  # the folder is known now
  trap "rm -rf '$dir'" EXIT
  for name in config data state cache; do mkdir "$dir/$name"; done
  export TMPDIR=$dir TMUX_TMPDIR=$dir
  export XDG_CONFIG_HOME=$dir/config XDG_DATA_HOME=$dir/data XDG_STATE_HOME=$dir/state
  export XDG_CACHE_HOME=$dir/cache
}
