#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real: redis-server (cache, budget and breaker
# store), shellcheck (lints every `run:` script of the rendered workflows), and jq and curl (those
# scripts run for real in workflows/step-scripts.test.ts), and chromium (the analytics templates run
# with the real posthog-js in headless Chromium, templates/analytics-web-payload.test.ts). Idempotent: packages already on the
# machine are not fetched again.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: redis-server, shellcheck, jq, curl and chromium already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system packages: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
