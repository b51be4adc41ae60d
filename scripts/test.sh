#!/usr/bin/env bash
# The whole test suite, headless: lint, types, then pytest on SQLite and (when reachable) PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
# shellcheck source=/dev/null
source scripts/postgres.sh
export QT_QPA_PLATFORM=offscreen
echo "== ruff"
.venv/bin/ruff check backoffice tests benchmarks scripts
.venv/bin/ruff format --check backoffice tests benchmarks scripts
echo "== mypy (models, workflows)"
.venv/bin/mypy backoffice/models backoffice/workflows
echo "== pytest"
.venv/bin/python -m pytest -n 2 --dist loadgroup -q "$@"
