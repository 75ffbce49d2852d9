#!/usr/bin/env bash
# Installs the tools the tests use as a user would, when missing:
#   - curl and jq (Debian, as root): the walk-through (docs/walkthrough.md, test/e2e/walkthrough.test.ts) runs
#     its blocks verbatim;
#   - chromium (Debian, as root): the monthly report's HTML page is rendered headless and its
#     screenshot checked (test/e2e/report-cli.test.ts), since "renders" is what finance needs of it;
#   - prometheus (Debian, as root; with promtool): a real Prometheus scrapes the worker's and the
#     API's /metrics (test/integration/metrics-prometheus.test.ts) and promtool checks the alert
#     rules (deploy/prometheus/alerts.yml); the tests run the binary themselves, the package's
#     service is not used;
#   - Schemathesis and openapi-spec-validator (PyPI, in a venv): tools nobody here wrote test the
#     API against its own OpenAPI document (test/integration/schemathesis.test.ts, docs/api-testing.md);
#   - Prometheus Alertmanager and amtool (Go module proxy): a real Alertmanager fires into the
#     engine's webhook (test/integration/alertmanager.test.ts).
# The last two land in $SLA_CACHE_DIR (default ~/.cache/sla-engine), each in a directory named by
# its pinned versions and renamed into place only when complete, so a warm run takes well under
# a second. Run by scripts/test.sh (so by CI); not by `sla up`, which needs none of them.
set -euo pipefail
cache="${SLA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sla-engine}"
mkdir -p "$cache"
log() { printf '[provision] %s\n' "$*"; }

# --- Debian packages --------------------------------------------------------------------------
need=()
command -v curl >/dev/null || need+=(curl)
command -v jq >/dev/null || need+=(jq)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ -x /usr/bin/prometheus && -x /usr/bin/promtool ]] || need+=(prometheus)
if [[ ${#need[@]} -gt 0 ]]; then
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "[provision] the tests need: ${need[*]} (Debian: apt-get install ${need[*]})" >&2
    exit 1
  fi
  log "apt-get install ${need[*]} (a minute or two when cold)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- Schemathesis + openapi-spec-validator (PyPI) ---------------------------------------------
# Pinned: a new Schemathesis release may add checks or change its report, and CI must not move
# under the tests; the directory is named by both versions.
schemathesis_version="4.32.5"
validator_version="0.9.0"
venv="$cache/api-tools-st$schemathesis_version-osv$validator_version"
if [[ -f "$venv/complete" ]]; then
  log "schemathesis $schemathesis_version, openapi-spec-validator $validator_version: cached at $venv"
else
  log "schemathesis $schemathesis_version, openapi-spec-validator $validator_version: pip install (a minute when cold)..."
  # A venv cannot be moved (its scripts name their interpreter by path), so the marker file
  # written last is what says the install is complete.
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "schemathesis==$schemathesis_version" "openapi-spec-validator==$validator_version"
  touch "$venv/complete"
  log "installed at $venv"
fi

# --- Prometheus Alertmanager + amtool (Go module proxy) ----------------------------------------
# v0.31.1: the newest tag that builds with `go install` (later ones need replace directives).
am_version="v0.31.1"
am_dir="$cache/alertmanager-$am_version"
if [[ -x "$am_dir/alertmanager" && -x "$am_dir/amtool" ]]; then
  log "alertmanager $am_version: cached at $am_dir"
elif command -v go >/dev/null 2>&1; then
  log "alertmanager $am_version: go install from the Go module proxy (a few minutes when cold)..."
  rm -rf "$am_dir.tmp" && mkdir -p "$am_dir.tmp"
  # Built into a temporary directory and renamed, so an interrupted build never looks cached.
  GOBIN="$am_dir.tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install \
    "github.com/prometheus/alertmanager/cmd/alertmanager@$am_version" \
    "github.com/prometheus/alertmanager/cmd/amtool@$am_version"
  rm -rf "$am_dir" && mv "$am_dir.tmp" "$am_dir"
  log "alertmanager $am_version: installed at $am_dir"
else
  echo "[provision] the Alertmanager test needs Go (go install ...alertmanager@$am_version)" >&2
  exit 1
fi

# The paths the tests read (test/helpers/test-tools.ts).
cat > "$cache/test-tools.env.tmp" <<ENV
SCHEMATHESIS=$venv/bin/st
OPENAPI_SPEC_VALIDATOR=$venv/bin/openapi-spec-validator
ALERTMANAGER=$am_dir/alertmanager
AMTOOL=$am_dir/amtool
PROMETHEUS=/usr/bin/prometheus
PROMTOOL=/usr/bin/promtool
ENV
mv "$cache/test-tools.env.tmp" "$cache/test-tools.env"
