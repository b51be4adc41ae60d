#!/usr/bin/env bash
# The whole test suite, headless: lint, types, then pytest on SQLite and (when reachable) PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
# shellcheck source=/dev/null
source scripts/postgres.sh
export QT_QPA_PLATFORM=offscreen
paths=()
for p in backoffice tests benchmarks scripts installer; do [ -e "$p" ] && paths+=("$p"); done
echo "== ruff"
.venv/bin/ruff check "${paths[@]}"
.venv/bin/ruff format --check "${paths[@]}"
echo "== mypy (models, workflows)"
.venv/bin/mypy backoffice/models backoffice/workflows
echo "== pytest (parallel)"
.venv/bin/python -m pytest -n 2 --dist loadgroup -q -m "not slow" "$@"
echo "== pytest (slow: multi-process races, installer bundle — alone, so they starve no other test)"
.venv/bin/python -m pytest -q -m slow "$@"
