#!/usr/bin/env bash
# Install everything UrbanGrid needs on a fresh Debian-like machine: system packages (Chromium for
# browser tests, CJK fonts for PDFs and screenshots), the Python virtual environment, npm packages.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
python3.11 -m venv --help >/dev/null 2>&1 || need_apt+=(python3.11-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt-get"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/pip install -q --upgrade pip
  mkdir -p var
  if ! .venv/bin/pip install -q -r requirements.txt >var/pip-install.log 2>&1; then
    cat var/pip-install.log; echo "setup: pip install failed"; exit 1
  fi
  echo "$want" > "$stamp"
fi

lockstamp=node_modules/.lock.sha
wantlock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$lockstamp" ] || [ "$(cat "$lockstamp")" != "$wantlock" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$wantlock" > "$lockstamp"
fi
mkdir -p var
