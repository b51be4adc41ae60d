#!/usr/bin/env bash
# Sourced by scripts/test.sh: start the local PostgreSQL cluster when this machine has one, create the test
# role, and export BACKOFFICE_TEST_PG_URL. With CI=true a missing server is an error, not a skip.
PG_URL_DEFAULT="postgresql+psycopg://backoffice:backoffice@127.0.0.1:5432/postgres"
if [ -z "${BACKOFFICE_TEST_PG_URL:-}" ]; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    version="$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1}')"
    cluster="$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $2}')"
    if [ -n "$version" ]; then
      status="$(pg_lsclusters -h | awk 'NR==1{print $4}')"
      if [ "$status" != "online" ]; then pg_ctlcluster "$version" "$cluster" start; fi
      for _ in $(seq 1 30); do
        su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
        sleep 1
      done
      su postgres -c "psql -qtAc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='backoffice') THEN CREATE ROLE backoffice LOGIN SUPERUSER PASSWORD 'backoffice'; END IF; END\\\$\\\$;\"" >/dev/null
      if [ "${CI:-}" = "true" ]; then
        # A throw-away CI cluster: durability is not needed, and TRUNCATE/DDL between tests get much cheaper.
        su postgres -c "psql -qtA -c 'ALTER SYSTEM SET fsync = off' -c 'ALTER SYSTEM SET synchronous_commit = off' -c 'ALTER SYSTEM SET full_page_writes = off' -c 'SELECT pg_reload_conf()'" >/dev/null
      fi
      export BACKOFFICE_TEST_PG_URL="$PG_URL_DEFAULT"
    fi
  fi
fi
if [ -n "${BACKOFFICE_TEST_PG_URL:-}" ]; then
  echo "PostgreSQL de test : ${BACKOFFICE_TEST_PG_URL%%:*}://…@127.0.0.1"
  export BACKOFFICE_TEST_REQUIRE_PG="${BACKOFFICE_TEST_REQUIRE_PG:-1}"
elif [ "${CI:-}" = "true" ]; then
  echo "ERREUR : PostgreSQL est requis en CI et n'a pas pu être démarré." >&2
  exit 1
else
  echo "PostgreSQL absent : seuls les tests SQLite seront exécutés."
fi
