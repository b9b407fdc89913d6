#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real: redis-server (cache, budget and breaker
# store) and shellcheck (lints every `run:` script of the rendered workflows). Idempotent: packages
# already on the machine are not fetched again.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: redis-server and shellcheck already installed"
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
