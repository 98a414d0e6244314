#!/usr/bin/env bash
# Installs the local stack's servers into .tools/bin, pinned and idempotent:
#   temporal  - Temporal CLI (dev server + Web UI), built with `go install` at a pinned tag
#   ferretdb  - MongoDB-wire-compatible document store (FerretDB over SQLite), built from scripts/ferretdb
# A tool already installed at the pinned version is reused; nothing is downloaded but Go modules.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
mkdir -p "$bin"

TEMPORAL_CLI_VERSION="v1.5.1"

log() { printf '[install-tools] %s\n' "$*" >&2; }

need_go() {
  command -v go >/dev/null 2>&1 || { log "Go is required to build the local stack (https://go.dev/doc/install)"; exit 1; }
}

stamp_matches() { [ -x "$bin/$1" ] && [ -f "$bin/$1.stamp" ] && [ "$(cat "$bin/$1.stamp")" = "$2" ]; }

install_temporal() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
    [ -x "$TEMPORAL_CLI_PATH" ] || { log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable"; exit 1; }
    log "temporal: using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH"; return
  fi
  if stamp_matches temporal "$TEMPORAL_CLI_VERSION"; then log "temporal $TEMPORAL_CLI_VERSION: present"; return; fi
  need_go
  log "temporal $TEMPORAL_CLI_VERSION: building with go install (a few minutes the first time)"
  GOBIN="$bin" GOFLAGS=-buildvcs=false go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  echo "$TEMPORAL_CLI_VERSION" >"$bin/temporal.stamp"
}

install_ferretdb() {
  local src="$root/scripts/ferretdb" stamp
  stamp="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
  if stamp_matches ferretdb "$stamp"; then log "ferretdb ($stamp): present"; return; fi
  need_go
  log "ferretdb: building from scripts/ferretdb"
  (cd "$src" && GOFLAGS="-mod=readonly -buildvcs=false" go build -o "$bin/ferretdb" .)
  echo "$stamp" >"$bin/ferretdb.stamp"
}

install_temporal
install_ferretdb
log "tools ready in $bin"
