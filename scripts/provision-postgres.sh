#!/usr/bin/env bash
# Provisions a PostgreSQL server for the ledger's tests and benchmark: the tests start throwaway
# clusters (initdb in a temporary directory, a free port on 127.0.0.1, trust auth) from these
# binaries, so the same SQL runs on real PostgreSQL as well as on the embedded PGlite.
#   - Debian's `postgresql` package (apt) when no initdb is found;
#   - a non-root user to run the clusters as, since postgres refuses to run as root
#     (`postgres`, which the Debian package creates; else a `sla-pg` system user).
# Writes $SLA_CACHE_DIR/postgres.env (POSTGRES_BIN, POSTGRES_RUN_AS), which test/helpers/postgres.ts
# reads. Idempotent: a warm run only checks and rewrites that file.
# Override: POSTGRES_BIN points at a directory with initdb, pg_ctl and postgres.
set -euo pipefail

cache="${SLA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sla-engine}"
mkdir -p "$cache"
log() { printf '[provision] %s\n' "$*"; }

find_bin() {
  if [[ -n "${POSTGRES_BIN:-}" ]]; then
    [[ -x "$POSTGRES_BIN/initdb" ]] || { echo "POSTGRES_BIN=$POSTGRES_BIN has no initdb" >&2; exit 1; }
    echo "$POSTGRES_BIN"
    return
  fi
  # Debian keeps the server binaries out of PATH, one directory per major version: take the newest.
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
  fi
}

bin="$(find_bin)"
if [[ -z "$bin" ]]; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "postgresql: apt-get install (a minute when cold)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin="$(find_bin)"
  fi
  if [[ -z "$bin" ]]; then
    echo "no PostgreSQL server found: install Debian's postgresql package or set POSTGRES_BIN" >&2
    # Only the ledger's PostgreSQL tests need it: a laptop can still run the engine (PGlite).
    [[ -n "${CI:-}" ]] && exit 1
    log "postgresql: missing; the ledger's PostgreSQL tests will fail"
    exit 0
  fi
fi

run_as=""
if [[ "$(id -u)" -eq 0 ]]; then
  if id -u postgres >/dev/null 2>&1; then
    run_as="postgres"
  else
    id -u sla-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin sla-pg
    run_as="sla-pg"
  fi
fi

printf 'POSTGRES_BIN=%s\nPOSTGRES_RUN_AS=%s\n' "$bin" "$run_as" > "$cache/postgres.env"
log "$("$bin/postgres" --version): $bin${run_as:+ (clusters run as $run_as)}"
