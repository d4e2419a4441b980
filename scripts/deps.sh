# Sourced by scripts/run.sh and scripts/test.sh: installs with apt-get the Debian packages that
# the named parts need (lists in scripts/deps/<part>.txt), only those missing, and says so.
sb_need() {
  local here missing=() pkg part
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  for part in "$@"; do
    [ -f "$here/deps/$part.txt" ] || continue
    for pkg in $(grep -v '^#' "$here/deps/$part.txt"); do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
    done
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "sel4bridge: installing missing packages with apt-get: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
