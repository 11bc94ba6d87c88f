#!/usr/bin/env bash
# Install everything, load the Chenggong demo on the embedded default (SQLite) and start the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=.venv/bin/python
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo
$PY manage.py demo_logins
echo
echo "UrbanGrid is starting on http://127.0.0.1:8000  (phone app: http://127.0.0.1:8000/m/, API: /api/docs)"
# Background work (reminders, escalation) runs in-process on the embedded default.
$PY manage.py runtasks --loop >var/runtasks.log 2>&1 &
trap 'kill $! 2>/dev/null || true' EXIT
$PY manage.py runserver 127.0.0.1:8000
