#!/usr/bin/env bash
# Provisions the two real Temporal servers this project runs on, from the package registries,
# because the SDK's own download needs internet access that CI and developer sandboxes lack:
#   - the Temporal CLI dev server      (Go module proxy: go install ...temporal@v1.5.1)
#   - the time-skipping test server    (Maven Central: io.temporal:temporal-test-server)
# Both land in a cache outside the repo ($SLA_CACHE_DIR, default ~/.cache/sla-engine) and are
# reused when already there, so a warm run takes well under a second.
# Writes $SLA_CACHE_DIR/servers.env with their paths, which the test harness and `sla up` read.
# Also builds `docker compose` (to validate docker-compose.yml) when the Docker CLI lacks it.
# Overrides: TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH point at existing executables.
# Without Go or Maven (an online laptop), the path is left empty and the SDK download is used.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${SLA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sla-engine}"
cli_version="v1.5.1"
test_server_version="$(sed -n 's:.*<temporal.test.server.version>\(.*\)</temporal.test.server.version>.*:\1:p' "$here/test-server/pom.xml")"
mkdir -p "$cache"
log() { printf '[provision] %s\n' "$*"; }
t0=$(date +%s)

# --- Temporal CLI (dev server) -------------------------------------------------------------
cli_path="${TEMPORAL_CLI_PATH:-}"
if [[ -n "$cli_path" ]]; then
  [[ -x "$cli_path" ]] || { echo "TEMPORAL_CLI_PATH=$cli_path is not an executable" >&2; exit 1; }
  log "temporal CLI: using TEMPORAL_CLI_PATH=$cli_path"
else
  cli_dir="$cache/temporal-cli-$cli_version"
  cli_path="$cli_dir/temporal"
  if [[ -x "$cli_path" ]]; then
    log "temporal CLI $cli_version: cached at $cli_path"
  elif command -v go >/dev/null 2>&1; then
    log "temporal CLI $cli_version: go install from the Go module proxy (a few minutes when cold)..."
    mkdir -p "$cli_dir.tmp"
    # Build into a temporary directory and rename, so an interrupted build never looks cached.
    GOBIN="$cli_dir.tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "github.com/temporalio/cli/cmd/temporal@$cli_version"
    rm -rf "$cli_dir" && mv "$cli_dir.tmp" "$cli_dir"
    log "temporal CLI $cli_version: installed at $cli_path"
  else
    cli_path=""
    log "temporal CLI: no Go toolchain; the SDK will download the dev server instead (needs internet)"
  fi
fi

# --- Time-skipping test server (Java) -------------------------------------------------------
ts_path="${TEMPORAL_TEST_SERVER_PATH:-}"
if [[ -n "$ts_path" ]]; then
  [[ -x "$ts_path" ]] || { echo "TEMPORAL_TEST_SERVER_PATH=$ts_path is not an executable" >&2; exit 1; }
  log "test server: using TEMPORAL_TEST_SERVER_PATH=$ts_path"
else
  # The suffix names the layout of the wrapper below: bump it when the wrapper changes.
  ts_dir="$cache/temporal-test-server-$test_server_version-w2"
  ts_path="$ts_dir/temporal-test-server"
  if [[ -x "$ts_path" ]]; then
    log "test server $test_server_version: cached at $ts_path"
  elif command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    log "test server $test_server_version: resolving from Maven Central..."
    rm -rf "$ts_dir" && mkdir -p "$ts_dir"
    mvn -B -f "$here/test-server/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$ts_dir/lib" >"$cache/mvn.log" 2>&1 \
      || { cat "$cache/mvn.log" >&2; exit 1; }
    # The SDK gives the server 5 s to answer. A JVM with this classpath starts in about 1 s on
    # an idle machine; a class-data-sharing archive of the classes a start loads trims that, so
    # the start still fits when tests load both cores. The archive is tied to the classpath, so
    # it is made here, in the final directory.
    jvm_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)
    port=$(( 20000 + RANDOM % 20000 ))
    java -XX:ArchiveClassesAtExit="$ts_dir/classes.jsa" "${jvm_opts[@]}" \
      -cp "$ts_dir/lib/*" io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 200); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    sleep 1
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [[ -f "$ts_dir/classes.jsa" ]]; then log "test server: class-data-sharing archive written"
    else log "test server: no class-data-sharing archive (the JVM refused); starting without it"; fi
    # The wrapper is written last: its presence marks a complete install.
    # No --enable-time-skipping: that flag starts the server with time running free, and time
    # would then jump past a workflow task still being processed. Started without it, time is
    # locked and the SDK's time-skipping client unlocks it while a test awaits a result or sleeps,
    # which is how the SDK's own download of this server is run.
    cat > "$ts_dir/temporal-test-server.tmp" <<WRAP
#!/usr/bin/env bash
# Temporal time-skipping test server $test_server_version, made by scripts/provision-servers.sh.
# Usage: temporal-test-server <port>
dir="\$(cd "\$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
cds=()
[[ -f "\$dir/classes.jsa" ]] && cds=(-XX:SharedArchiveFile="\$dir/classes.jsa" -Xshare:auto)
exec java "\${cds[@]}" ${jvm_opts[*]} \${TEMPORAL_TEST_SERVER_JAVA_OPTS:-} \\
  -cp "\$dir/lib/*" io.temporal.testserver.TestServer "\$@"
WRAP
    chmod +x "$ts_dir/temporal-test-server.tmp" && mv "$ts_dir/temporal-test-server.tmp" "$ts_path"
    log "test server $test_server_version: installed at $ts_path"
  else
    ts_path=""
    log "test server: no Maven/Java; the SDK will download the test server instead (needs internet)"
  fi
fi

# --- docker compose (to validate docker-compose.yml; there is no Docker engine to run it) -----
# The Docker CLI alone has no `compose`. Compose v2 is a Go module whose go.mod `go install`
# refuses, so it is downloaded from the module proxy and built inside its own module.
compose_version="v2.40.3"
compose_path="${DOCKER_COMPOSE_PATH:-}"
if [[ -z "$compose_path" ]] && ! docker compose version >/dev/null 2>&1; then
  compose_dir="$cache/docker-compose-$compose_version"
  compose_path="$compose_dir/docker-compose"
  if [[ -x "$compose_path" ]]; then
    log "docker compose $compose_version: cached at $compose_path"
  elif command -v go >/dev/null 2>&1; then
    log "docker compose $compose_version: building from the Go module proxy (a few minutes when cold)..."
    src="$(GOFLAGS=-mod=mod go mod download -json "github.com/docker/compose/v2@$compose_version" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    mkdir -p "$compose_dir"
    (cd "$src" && GOFLAGS=-buildvcs=false go build -o "$compose_path.tmp" ./cmd)
    mv "$compose_path.tmp" "$compose_path"
    log "docker compose $compose_version: installed at $compose_path"
  else
    compose_path=""
    log "docker compose: not available (no Docker CLI plugin, no Go); the compose-file test will fail"
  fi
fi

cat > "$cache/servers.env" <<ENV
TEMPORAL_CLI_PATH=$cli_path
TEMPORAL_TEST_SERVER_PATH=$ts_path
DOCKER_COMPOSE_PATH=$compose_path
ENV
log "wrote $cache/servers.env in $(( $(date +%s) - t0 )) s"
