#!/usr/bin/env bash
# The whole test suite: set-up, type check, lint, format, workflow bundle, then every test on real servers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh # every tool: MinIO, DynamoDB Local, Prometheus and cfn-lint too
bash scripts/install-browser.sh
step() { printf '\n== %s\n' "$*" >&2; }
step "type check";        npx tsc --noEmit -p .
step "lint";              npx eslint .
step "format";            npx prettier --check . >/dev/null
step "workflow bundle";   npx tsx scripts/check-bundle.ts
step "tests (real Temporal dev server, real document store)"
npx vitest run "$@"
if [ "$#" -eq 0 ]; then step "bench, smoke size (runs each benchmark once; asserts no timing)"; node --import tsx bench/run.ts --smoke; fi
