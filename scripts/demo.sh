#!/usr/bin/env bash
# The main job on the embedded default stack, offline: set-up, then `courant demo`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
exec node bin/courant.js demo "$@"
