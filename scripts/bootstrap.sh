#!/usr/bin/env bash
# Installs what singleview needs on a fresh Debian machine: uv, PostgreSQL, the locked Python
# environment. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || apt_packages+=(postgresql)
# The web pages' front-end packages come from npm; their browser tests drive the system Chromium.
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${apt_packages[*]} from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    "${apt_packages[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "bootstrap: installing uv from PyPI"
  python3 -m pip install --quiet uv 2>/dev/null || python3 -m pip install --quiet --user uv
fi

# GOV.UK Frontend and axe-core, exactly as package-lock.json pins them (only when it changed).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing the web pages' front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

if command -v uv >/dev/null 2>&1; then uv sync --frozen --all-extras --quiet
else python3 -m uv sync --frozen --all-extras --quiet; fi
