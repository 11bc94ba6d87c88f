#!/usr/bin/env bash
# The whole test suite: lint, the tests on SQLite and on PostgreSQL, and every benchmark in smoke mode.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=.venv/bin/python
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .

echo "== tests on SQLite"
env -u DATABASE_URL pytest -q -p no:cacheprovider --junitxml=var/junit-sqlite.xml "$@"

echo "== tests on PostgreSQL"
PG_URL=${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is not running: starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
DATABASE_URL="$PG_URL" pytest -q -p no:cacheprovider --junitxml=var/junit-postgres.xml "$@"

echo "== benchmarks (smoke mode)"
for bench in bench/bench_*.py; do
  [ -e "$bench" ] || continue
  echo "-- $bench"
  env -u DATABASE_URL $PY "$bench" --smoke
done

echo "== summary (SQLite and PostgreSQL runs together)"
$PY scripts/junit_summary.py var/junit-sqlite.xml var/junit-postgres.xml
