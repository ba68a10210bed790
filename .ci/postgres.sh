#!/usr/bin/env bash
# Makes a PostgreSQL server available on 127.0.0.1:5432 for the store tests (packages/pipeline): role clara_recon
# (password clara_recon, CREATEDB) and database clara_recon_test. Idempotent. Never fails the CI: when it cannot,
# it prints why and the PostgreSQL tests skip with a message.
set -u

say() { echo "postgres.sh: $*"; }

listening() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p 5432
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

main() {
  if ! listening; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
      say "installing Debian's postgresql"
      timeout 900 bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql' >/dev/null 2>&1 \
        || { say "cannot install postgresql (no root or no package mirror): PostgreSQL store tests will skip"; return 0; }
    fi
    local cluster version name
    cluster=$(pg_lsclusters --no-header 2>/dev/null | head -n 1)
    if [ -z "$cluster" ]; then
      version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
      [ -n "$version" ] || { say "no PostgreSQL version installed: tests will skip"; return 0; }
      pg_createcluster "$version" main >/dev/null 2>&1 || { say "cannot create a cluster: tests will skip"; return 0; }
      cluster=$(pg_lsclusters --no-header 2>/dev/null | head -n 1)
    fi
    version=$(echo "$cluster" | awk '{print $1}')
    name=$(echo "$cluster" | awk '{print $2}')
    pg_ctlcluster "$version" "$name" start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do listening && break; sleep 1; done
    listening || { say "the cluster $version/$name did not start on 127.0.0.1:5432: tests will skip"; return 0; }
  fi
  if ! command -v psql >/dev/null 2>&1 || ! id postgres >/dev/null 2>&1; then
    say "server is up; cannot administer it here (no psql or postgres user): assuming the role and database exist"
    return 0
  fi
  local psql=(su postgres -c)
  "${psql[@]}" "psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -c \"DO \\\$\\\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clara_recon') THEN
        CREATE ROLE clara_recon LOGIN PASSWORD 'clara_recon' CREATEDB;
      END IF; END \\\$\\\$;\"" >/dev/null 2>&1 || { say "cannot create the role clara_recon: tests may skip"; return 0; }
  if ! "${psql[@]}" "psql -h /var/run/postgresql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'clara_recon_test'\"" 2>/dev/null | grep -q 1; then
    "${psql[@]}" "createdb -h /var/run/postgresql -O clara_recon clara_recon_test" >/dev/null 2>&1 \
      || { say "cannot create the database clara_recon_test: tests may skip"; return 0; }
  fi
  say "PostgreSQL ready on 127.0.0.1:5432 (database clara_recon_test)"
}

main || say "unexpected failure: PostgreSQL store tests will skip"
exit 0
