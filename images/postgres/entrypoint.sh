#!/bin/sh
# UPC's PostgreSQL: initialises the cluster on first start, keeps role `upc` and the databases
# upc_registry and upc_scheduler, then runs postgres in the foreground.
# Environment:
#   UPC_DB_PASSWORD or UPC_DB_PASSWORD_FILE  the password of role upc (required; set again on every start)
#   UPC_DB_PORT    port (default 5432)
#   UPC_DB_LISTEN  listen_addresses (default '*')
#   PGDATA         cluster directory (default /var/lib/postgresql/data/pgdata: a subdirectory, so a
#                  volume's lost+found does not bother initdb)
# The unix socket is in /var/run/postgresql (mount an emptyDir there when the root fs is read-only):
#   pg_dump --host=/var/run/postgresql --port=PORT upc_registry   (as the postgres user: peer auth)
# TCP connections need a password (scram-sha-256); pg_isready -h 127.0.0.1 -p PORT is the probe.
set -eu

fail() { echo "upc-postgres: $*" >&2; exit 1; }

port=${UPC_DB_PORT:-5432}
listen=${UPC_DB_LISTEN:-*}
sockets=/var/run/postgresql
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
export PGDATA

if [ -n "${UPC_DB_PASSWORD_FILE:-}" ]; then
    [ -r "$UPC_DB_PASSWORD_FILE" ] || fail "UPC_DB_PASSWORD_FILE=$UPC_DB_PASSWORD_FILE is not a readable file"
    password=$(cat "$UPC_DB_PASSWORD_FILE")
else
    password=${UPC_DB_PASSWORD:-}
fi
[ -n "$password" ] || fail "set UPC_DB_PASSWORD (or UPC_DB_PASSWORD_FILE) to the password of the database role upc"

mkdir -p "$sockets" 2>/dev/null || true
[ -w "$sockets" ] || fail "the socket directory $sockets is not writable by uid $(id -u): mount a writable volume (emptyDir) there"
mkdir -p "$PGDATA" 2>/dev/null || fail "cannot create $PGDATA as uid $(id -u): the data volume must be writable (fsGroup 999)"
chmod 0700 "$PGDATA" 2>/dev/null || true

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "upc-postgres: initialising a new cluster in $PGDATA"
    pwfile=$(mktemp /tmp/upc-pw.XXXXXX)
    printf '%s\n' "$password" >"$pwfile"
    initdb --username=postgres --encoding=UTF8 --locale=C.UTF-8 --auth-local=peer \
        --auth-host=scram-sha-256 --pwfile="$pwfile" >/dev/null || { rm -f "$pwfile"; fail "initdb failed"; }
    rm -f "$pwfile"
    cat >>"$PGDATA/postgresql.conf" <<CONF
# UPC
jit = off
password_encryption = scram-sha-256
unix_socket_directories = '$sockets'
log_destination = 'stderr'
logging_collector = off
CONF
fi

# A private start on the socket only (no TCP), to set the password and create what is missing.
pg_ctl -D "$PGDATA" -w -t 60 -o "-c listen_addresses='' -p $port -k $sockets" start >/dev/null ||
    fail "postgres did not start in $PGDATA (see the log above)"
# The password travels through the environment into a psql variable (:'pw' quotes it), never a command line.
UPC_PW="$password" psql -v ON_ERROR_STOP=1 -q -X -h "$sockets" -p "$port" -U postgres -d postgres >/dev/null <<'SQL' || { pg_ctl -D "$PGDATA" -m fast stop >/dev/null; fail "could not set up role upc"; }
\getenv pw UPC_PW
SELECT format('CREATE ROLE upc LOGIN PASSWORD %L', :'pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'upc') \gexec
SELECT format('ALTER ROLE upc LOGIN PASSWORD %L', :'pw') \gexec
SELECT 'CREATE DATABASE upc_registry OWNER upc' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'upc_registry') \gexec
SELECT 'CREATE DATABASE upc_scheduler OWNER upc' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'upc_scheduler') \gexec
SQL
pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null

echo "upc-postgres: ready to start on port $port (listen_addresses=$listen, socket $sockets)"
exec postgres -D "$PGDATA" -p "$port" -c "listen_addresses=$listen" -k "$sockets"
