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

# GOV.UK Frontend's stylesheet, built from its Sass source with system fonts (its precompiled one
# uses GDS Transport, licensed for gov.uk only). Rebuilt when missing or older than its inputs,
# the rule the node checks when it starts (singleview.web.frontend.govuk_stylesheet).
css=build/web/govuk-frontend.css
if [ ! -f "$css" ] || [ src/singleview/web/styles/govuk-frontend.scss -nt "$css" ] \
  || [ package.json -nt "$css" ] || [ node_modules/.package-lock.json -nt "$css" ]; then
  echo "bootstrap: building the GOV.UK Frontend stylesheet with sass (npm run build:css)"
  if ! npm run --silent build:css; then
    echo "bootstrap: sass failed to build $css from" \
      "src/singleview/web/styles/govuk-frontend.scss (its error is above)" >&2
    exit 1
  fi
fi

if command -v uv >/dev/null 2>&1; then uv sync --frozen --all-extras --quiet
else python3 -m uv sync --frozen --all-extras --quiet; fi
