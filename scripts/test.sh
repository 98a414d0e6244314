#!/usr/bin/env bash
# The whole test suite. After set-up, three jobs run side by side, each into its own log:
#   checks   type check, lint, format check, dead code, and the workflow bundle then the bench at
#            smoke size (each benchmark once, asserting no timing: it proves the benchmarks still run)
#   unit     vitest's unit tier (pure code, no servers)
#   servers  vitest's integration and end-to-end tiers, on real servers started once for both
# The work is laid out for the cores there are (docs/development.md#tests):
#   - CPU-bound work shares one slot per core, COURANT_TEST_CPUS of them (nproc unless set): the
#     unit tier's forks take all slots but one from the start, each check takes one slot, the longest
#     first, and a check waits for a free one; when the unit tier ends, its slots take the checks
#     still waiting.
#   - The integration and end-to-end files mostly wait on servers and processes, so more of them run
#     at once than there are slots, beside that work: COURANT_TEST_SERVER_FORKS, twice the slots
#     unless set, at most 16 (a Temporal namespace each, test/support/namespaces.ts).
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

# A count of the environment (`name`), else `default`: a whole number, at least 1.
count() {
  local value="${!1:-$2}"
  if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "$1 must be a whole number of at least 1, not '$value'" >&2
    exit 2
  fi
  echo "$value"
}
cpus="$(count COURANT_TEST_CPUS "$(nproc)")"
server_forks="$(count COURANT_TEST_SERVER_FORKS "$((2 * cpus < 16 ? 2 * cpus : 16))")"
unit_forks=$((cpus > 1 ? cpus - 1 : 1))

# on_node24 runs its arguments with Node 24 first on the PATH: npx, tsx, vitest and the processes they
# start run on it.
node24_path="$PATH"
if [ -x "$root/.tools/node24/bin/node" ]; then node24_path="$root/.tools/node24/bin:$PATH"; fi
on_node24() { PATH="$node24_path" "$@"; }

# glibc's arenas for every process the suite starts, as the image sets them (docs/configuration.md, "The process").
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

# Every temporary file of the run under one folder, removed when the run ends: the tests' data
# folders and the scratch folders of workers the kill drills end with SIGKILL.
run_tmp="$(mktemp -d "${TMPDIR:-/tmp}/courant-test-run.XXXXXX")"
export TMPDIR="$run_tmp"
logs="$(mktemp -d "$run_tmp/logs.XXXXXX")"
trap 'rm -rf "$run_tmp"' EXIT

# The free CPU slots: a FIFO holding one byte per slot, open on file descriptor 3 in every job. A
# check takes a byte before it starts and writes it back when it ends; the unit tier's slots are held
# from the start and written back when it ends.
mkfifo "$logs/slots"
exec 3<>"$logs/slots"
give() { local i; for ((i = 0; i < $1; i += 1)); do printf x >&3; done; }
take() { local slot; read -r -n 1 -u 3 slot; }
give $((cpus - unit_forks))

# A step of a check: its output, then its verdict and time.
check() {
  local name="$1" started=$SECONDS
  shift
  if "$@"; then printf -- '-- %s: ok (%ss)\n' "$name" "$((SECONDS - started))"
  else printf -- '-- %s: FAILED (%ss)\n' "$name" "$((SECONDS - started))"; return 1; fi
}
# The bench's workers run the bundles the bundle's check just wrote, as the container image runs them.
bench_check() {
  check "workflow bundle" npx tsx scripts/check-bundle.ts &&
    check "smoke bench" env WORKFLOW_BUNDLE_DIR=dist node --import tsx bench/run.ts --smoke
}
lint_check() { check lint on_node24 env GOMAXPROCS=1 npx oxlint -c oxlint.config.mjs --threads=1; }
format_check() { check format on_node24 npx prettier --check --log-level warn .; }
dead_code_check() { check "dead code" on_node24 npx knip --no-progress; }
# One thread: one slot (TypeScript 7 also spends less CPU on one).
type_check() { check "type check" node node_modules/typescript-7/bin/tsc --noEmit -p . --singleThreaded; }

# The checks, the longest first, each as soon as a slot is free; their logs in that order once all ended.
checks() {
  local each=(bench_check lint_check format_check dead_code_check type_check) pids=() failed=0 i
  for i in "${!each[@]}"; do
    take
    (
      status=0
      "${each[$i]}" >"$logs/check-$i.log" 2>&1 || status=$?
      give 1
      exit "$status"
    ) &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed=1
    cat "$logs/check-$i.log"
  done
  return "$failed"
}

# Unit files are CPU-bound: one fork per slot held, each fork running one file after another (a
# fork's start and its loading of the dependencies paid once, not once a file; each file still gets
# fresh modules). Integration and end-to-end files each get a fork of their own (their workers,
# connections and native runtime end with the fork).
unit() {
  local status=0
  npx vitest run --project unit --maxWorkers="$unit_forks" --poolOptions.forks.isolate=false || status=$?
  give "$unit_forks"
  return "$status"
}
servers() { on_node24 npx vitest run --project integration --project e2e --maxWorkers="$server_forks"; }

declare -A started
for name in checks unit servers; do
  started[$name]=$SECONDS
  (
    set +e
    "$name" >"$logs/$name.log" 2>&1
    # Written whole, then renamed: the loop below never reads a half-written status.
    echo $? >"$logs/$name.rc.tmp" && mv "$logs/$name.rc.tmp" "$logs/$name.rc"
  ) &
done
step "running side by side on $cpus CPU slot(s): the checks, the unit tests in $unit_forks fork(s), the integration and end-to-end tests in $server_forks fork(s) (each log prints when its job ends)"
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
