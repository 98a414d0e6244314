#!/usr/bin/env bash
# Everything a fresh machine needs: npm dependencies (when missing or stale) and the local stack's tools.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi
bash scripts/install-tools.sh
