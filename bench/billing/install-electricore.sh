#!/usr/bin/env bash
# Installs electricore, the reference billing implementation the billing bench runs beside courant,
# into the git-ignored .tools/electricore (a Python venv), pinned and idempotent. Usage:
#   bash bench/billing/install-electricore.sh          (prints the venv's python on stdout)
# electricore needs Python >= 3.12. The interpreter is, in order: ELECTRICORE_PYTHON; python3.13 or
# python3.12 on PATH; the newest 3.12+ under `pyenv root`/versions; /usr/bin/python3.1[2-9]. None of
# them: exit 2 naming ELECTRICORE_PYTHON (pyenv install needs python.org, Debian's python3.12 where
# the release has it). Only PyPI is reached. Not part of `npm test`: the billing bench alone uses it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$root/.tools/electricore"
ELECTRICORE_VERSION="3.8.3"

log() { printf '[install-electricore] %s\n' "$*" >&2; }

is_312_plus() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidate
  if [ -n "${ELECTRICORE_PYTHON:-}" ]; then
    is_312_plus "$ELECTRICORE_PYTHON" || { log "ELECTRICORE_PYTHON=$ELECTRICORE_PYTHON is not a Python >= 3.12 with venv"; exit 2; }
    echo "$ELECTRICORE_PYTHON"; return
  fi
  for candidate in python3.13 python3.12; do
    if command -v "$candidate" >/dev/null 2>&1 && is_312_plus "$candidate"; then command -v "$candidate"; return; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in $(ls -d "$(pyenv root)"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
      if is_312_plus "$candidate/bin/python3"; then echo "$candidate/bin/python3"; return; fi
    done
  fi
  for candidate in $(ls /usr/bin/python3.1[2-9] 2>/dev/null | sort -rV); do
    if is_312_plus "$candidate"; then echo "$candidate"; return; fi
  done
  log "no Python >= 3.12 with venv found: set ELECTRICORE_PYTHON (pyenv install 3.12, or apt-get install python3.12-venv where Debian has it)"
  exit 2
}

# The stamp names the pin and the interpreter's version: either changing re-creates the venv.
if [ -x "$dest/bin/python" ] && [ -f "$dest/stamp" ] &&
  [ "$(cat "$dest/stamp")" = "electricore==$ELECTRICORE_VERSION $("$dest/bin/python" -c 'import platform; print(platform.python_version())' 2>/dev/null)" ]; then
  log "electricore $ELECTRICORE_VERSION: present"
  echo "$dest/bin/python"; exit 0
fi

python="$(find_python)"
log "electricore $ELECTRICORE_VERSION: installing from PyPI into .tools/electricore with $python"
# The stamp is written last: an install cut short is re-done from scratch on the next run.
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
"$python" -m venv "$dest"
"$dest/bin/python" -m pip install --disable-pip-version-check --no-input -q "electricore==$ELECTRICORE_VERSION"
"$dest/bin/python" -c 'import electricore' >/dev/null
echo "electricore==$ELECTRICORE_VERSION $("$dest/bin/python" -c 'import platform; print(platform.python_version())')" >"$dest/stamp"
log "electricore $ELECTRICORE_VERSION: ready"
echo "$dest/bin/python"
