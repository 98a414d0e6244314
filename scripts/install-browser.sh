#!/usr/bin/env bash
# Installs Debian's Chromium for the Web UI check (headless, driven by playwright-core), once.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "[install-browser] chromium is missing: install Debian's 'chromium' package or set CHROMIUM_PATH" >&2
  exit 1
fi
echo "[install-browser] installing Debian's chromium (apt)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
