#!/usr/bin/env bash
# The whole test suite. After set-up, three jobs run side by side, each into its own log:
#   checks   type check, lint, format check and the workflow bundle, one after another, then the
#            bench at smoke size (each benchmark once, asserting no timing: it proves the
#            benchmarks still run)
#   unit     vitest's unit tier (pure code, no servers)
#   servers  vitest's integration and end-to-end tiers, on real servers started once for both
# The smoke bench follows the checks, the shortest job, so that no job runs much longer than another.
# Two Node releases share the work rather than each running all of it: the integration and
# end-to-end tiers, lint and format check run on Node 24 LTS (.tools/node24,
# scripts/install-tools.sh; it spends less CPU than Node 20 on the same work, so it takes the heaviest
# jobs), the unit tier, the workflow bundle and the smoke bench (real workers, Temporal and DuckDB) on
# the machine's Node (all of it there where the registry has no Node 24 for the platform).
# Each job's log is printed whole when it ends, under its name, time and status; the run fails when
# any job fails.
# With arguments, only vitest runs, with them: `npm test -- test/unit/slots.test.ts`, `npm test -- --project unit`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh # every tool: MinIO, DynamoDB Local, Prometheus, cfn-lint and Node 24 too
bash scripts/install-browser.sh
step() { printf '\n== %s\n' "$*" >&2; }

if [ "$#" -gt 0 ]; then
  step "tests: vitest $*"
  exec npx vitest run "$@"
fi

# on_node24 runs its arguments with Node 24 first on the PATH: npx, tsx, vitest and the processes they
# start run on it.
node24_path="$PATH"
if [ -x "$root/.tools/node24/bin/node" ]; then node24_path="$root/.tools/node24/bin:$PATH"; fi
on_node24() { PATH="$node24_path" "$@"; }

logs="$(mktemp -d "${TMPDIR:-/tmp}/courant-test-logs.XXXXXX")"
trap 'rm -rf "$logs"' EXIT

checks() {
  local failed=0
  check() {
    local name="$1" started=$SECONDS
    shift
    if "$@"; then printf -- '-- %s: ok (%ss)\n' "$name" "$((SECONDS - started))"
    else printf -- '-- %s: FAILED (%ss)\n' "$name" "$((SECONDS - started))"; failed=1; fi
  }
  # One thread: the other jobs keep both cores busy, and TypeScript 7 spends less CPU on one.
  check "type check" node node_modules/typescript-7/bin/tsc --noEmit -p . --singleThreaded
  check "lint" on_node24 env GOMAXPROCS=1 npx oxlint -c oxlint.config.mjs --threads=1
  check "format" on_node24 npx prettier --check --log-level warn .
  check "dead code" on_node24 npx knip --no-progress
  check "workflow bundle" npx tsx scripts/check-bundle.ts
  # The bench's workers run the bundles the check just wrote, as the container image runs them.
  check "smoke bench" env WORKFLOW_BUNDLE_DIR=dist node --import tsx bench/run.ts --smoke
  return "$failed"
}

# Unit files are CPU-bound: one per core, each fork running one file after another (a fork's start
# and its loading of the dependencies paid once, not once a file; each file still gets fresh
# modules). Integration and end-to-end files mostly wait on servers and child processes, so more of
# them run at once than there are cores, each in a fork of its own (their workers, connections and
# native runtime end with the fork).
declare -A jobs=(
  [checks]="checks"
  [unit]="npx vitest run --project unit --maxWorkers=2 --poolOptions.forks.isolate=false"
  [servers]="on_node24 npx vitest run --project integration --project e2e --maxWorkers=4"
)
declare -A started
for name in checks unit servers; do
  started[$name]=$SECONDS
  (
    set +e
    eval "${jobs[$name]}" >"$logs/$name.log" 2>&1
    # Written whole, then renamed: the loop below never reads a half-written status.
    echo $? >"$logs/$name.rc.tmp" && mv "$logs/$name.rc.tmp" "$logs/$name.rc"
  ) &
done
step "running side by side: checks then the smoke bench, unit tests, integration and end-to-end tests (each log prints when its job ends)"
step "on Node $(on_node24 node --version): the integration and end-to-end tests, lint and format; on Node $(node --version): the unit tests, the workflow bundle and the smoke bench"

status=0
pending=(checks unit servers)
while [ "${#pending[@]}" -gt 0 ]; do
  wait -n || true
  still=()
  for name in "${pending[@]}"; do
    if [ ! -f "$logs/$name.rc" ]; then still+=("$name"); continue; fi
    rc="$(cat "$logs/$name.rc")"
    verdict="ok"
    if [ "$rc" -ne 0 ]; then verdict="FAILED (exit $rc)"; status=1; fi
    step "$name: $verdict after $((SECONDS - started[$name]))s"
    cat "$logs/$name.log" >&2
  done
  pending=("${still[@]}")
done

if [ "$status" -ne 0 ]; then
  step "the suite FAILED: see the job(s) marked FAILED above"
  exit "$status"
fi
step "the suite passed"
