#!/usr/bin/env bash
# The main job on the embedded default stack, offline: set-up of what the demo runs (npm dependencies,
# the command built, the Temporal CLI and the document store; not MinIO, DynamoDB Local, Prometheus or
# cfn-lint), then `courant demo`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh temporal ferretdb
# glibc's arenas, read at the process's start, as the image sets them (docs/configuration.md, "The process").
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node bin/courant.js demo "$@"
