#!/usr/bin/env bash
# What a fresh machine needs: npm dependencies (when missing or stale), the `courant` command built
# (dist/cli, when it is not the build of the sources already), and, side by side with those, the local
# stack's tools named as arguments (scripts/install-tools.sh; every tool when none is named).
#   bash scripts/setup.sh                      everything (`npm test`, `npm run setup`)
#   bash scripts/setup.sh temporal ferretdb    only what `npm run demo` runs
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/progress.sh
source scripts/progress.sh
# The tools download and build (Go, Maven, PyPI, apt) while npm installs: neither needs the other.
bash scripts/install-tools.sh "$@" &
tools=$!
(
  # `npm install` with the committed lockfile installs the locked versions. (`npm ci` refuses a lockfile
  # that lacks other platforms' optional packages, which registries that serve only this platform omit.)
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[setup] installing npm dependencies" >&2
    with_progress setup "npm install" "about 2 min" npm install --no-audit --no-fund
  fi
  if ! node --input-type=module -e "import { builtCliIsCurrent } from './bin/built-cli.js'; process.exit(builtCliIsCurrent('.') ? 0 : 1)"; then
    echo "[setup] building the courant command" >&2
    npm run --silent build
  fi
) &
node=$! # in the background so that errexit holds inside (it would not on the left of `||`)
node_status=0
wait "$node" || node_status=$?
tools_status=0
wait "$tools" || tools_status=$?
if [ "$node_status" -ne 0 ]; then echo "[setup] FAILED: the npm dependencies or the courant command (exit $node_status)" >&2; exit "$node_status"; fi
if [ "$tools_status" -ne 0 ]; then echo "[setup] FAILED: the local stack's tools (exit $tools_status)" >&2; exit "$tools_status"; fi
