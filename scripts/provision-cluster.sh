#!/usr/bin/env bash
# Provisions the Temporal cluster the production topology runs on (`sla up --cluster`, the
# cluster test tier, the herd benchmark): the Temporal server and its SQL tool at the version
# docker-compose.yml and the CLI's dev server use, built from the Go module proxy, and the
# PostgreSQL schema they ship. PostgreSQL itself comes from scripts/provision-postgres.sh.
#   - go install go.temporal.io/server/cmd/server@v1.29.1 and .../cmd/tools/sql@v1.29.1
#     (about 12 minutes of compiling when cold); binaries already in $(go env GOBIN or ~/go/bin)
#     at that version are copied instead of rebuilt;
#   - the schema directory of the same module (schema/postgresql/v12).
# Everything lands in $SLA_CACHE_DIR/temporal-server-1.29.1 and is reused when there, so a warm
# run only checks. Writes $SLA_CACHE_DIR/cluster.env (TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH,
# TEMPORAL_SCHEMA_DIR), which src/temporal-servers.ts reads. The same names in the environment
# override it.
set -euo pipefail

cache="${SLA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sla-engine}"
version="1.29.1"
module="go.temporal.io/server"
dir="$cache/temporal-server-$version"
mkdir -p "$cache"
log() { printf '[provision] %s\n' "$*"; }
t0=$(date +%s)

if [[ -n "${TEMPORAL_SERVER_PATH:-}" && -n "${TEMPORAL_SQL_TOOL_PATH:-}" && -n "${TEMPORAL_SCHEMA_DIR:-}" ]]; then
  server="$TEMPORAL_SERVER_PATH" sql="$TEMPORAL_SQL_TOOL_PATH" schema="$TEMPORAL_SCHEMA_DIR"
  log "temporal server: using TEMPORAL_SERVER_PATH=$server"
elif [[ -x "$dir/server" && -x "$dir/sql" && -d "$dir/schema/postgresql/v12" ]]; then
  server="$dir/server" sql="$dir/sql" schema="$dir/schema/postgresql/v12"
  log "temporal server $version: cached at $dir"
else
  command -v go >/dev/null 2>&1 || { echo "no Go toolchain: the Temporal server $version cannot be built" >&2; exit 1; }
  # Build (or copy) into a temporary directory and rename, so an interrupted run never looks cached.
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  gobin="$(go env GOBIN)"
  gobin="${gobin:-$(go env GOPATH)/bin}"
  # A binary says its version: one already built at $version is the same build, copied.
  at_version() { [[ -x "$1" ]] && "$1" --version 2>/dev/null | grep -q " $version\$"; }
  if at_version "$gobin/server"; then
    log "temporal server $version: copying $gobin/server"
    cp "$gobin/server" "$dir.tmp/server"
  else
    log "temporal server $version: go install from the Go module proxy (about 12 minutes when cold)..."
    GOBIN="$dir.tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$module/cmd/server@v$version"
  fi
  if at_version "$gobin/sql"; then
    log "temporal sql tool $version: copying $gobin/sql"
    cp "$gobin/sql" "$dir.tmp/sql"
  else
    log "temporal sql tool $version: go install from the Go module proxy..."
    GOBIN="$dir.tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$module/cmd/tools/sql@v$version"
  fi
  # The schema ships in the module the binaries were built from (downloaded by the install).
  src="$(GOFLAGS=-mod=mod go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  mkdir -p "$dir.tmp/schema"
  cp -r "$src/schema/postgresql" "$dir.tmp/schema/postgresql"
  chmod -R u+w "$dir.tmp/schema"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  server="$dir/server" sql="$dir/sql" schema="$dir/schema/postgresql/v12"
  log "temporal server $version: installed at $dir"
fi
"$server" --version >/dev/null && "$sql" --version >/dev/null

cat > "$cache/cluster.env" <<ENV
TEMPORAL_SERVER_PATH=$server
TEMPORAL_SQL_TOOL_PATH=$sql
TEMPORAL_SCHEMA_DIR=$schema
ENV
log "wrote $cache/cluster.env in $(( $(date +%s) - t0 )) s"
