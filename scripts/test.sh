#!/usr/bin/env bash
# Quick start, command 2: every test — unit, workflow (time-skipping server), integration (dev
# server, PostgreSQL, the tools of scripts/provision-test-tools.sh), end-to-end (`sla up`, the CLI,
# dist/), cluster (integration files on a Temporal cluster on PostgreSQL,
# scripts/provision-cluster.sh). `bash scripts/test.sh TIER` runs one tier (unit, workflow,
# integration, e2e or cluster) and provisions only what that tier needs (docs/testing.md). Other
# arguments go to vitest (a file, -t NAME…).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
tier=""
case "${1:-}" in unit | workflow | integration | e2e | cluster) tier="$1" && shift ;; esac
case "$tier" in
  unit) ;; # plain code: nothing to provision
  workflow)
    bash "$here/provision-servers.sh"
    bash "$here/provision-postgres.sh" # the billing close's retried write, on both ledgers
    ;;
  *)
    source "$here/prepare.sh"
    bash "$here/provision-test-tools.sh"
    # The cluster tier and `sla up --cluster` (e2e) run the Temporal cluster.
    if [[ "$tier" != integration ]]; then bash "$here/provision-cluster.sh"; fi
    ;;
esac
exec npx vitest run ${tier:+--project "$tier"} "$@"
