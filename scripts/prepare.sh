#!/usr/bin/env bash
# Makes a checkout ready to run: npm packages (when package-lock.json changed), the Temporal
# servers (scripts/provision-servers.sh, cached outside the repo), PostgreSQL for the ledger's
# tests (scripts/provision-postgres.sh) and the build in dist/ (when src/ changed).
# Sourced by scripts/up.sh and scripts/test.sh, so that each is one command on a fresh machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# Already prepared by the caller (scripts/test.sh exports it for the tests it runs, so that the
# walk-through test's `bash scripts/up.sh` does not rebuild dist/ under the other tests' feet).
if [[ "${SLA_PREPARED:-}" == 1 ]]; then
  return 0 2>/dev/null || exit 0
fi

stamp="node_modules/.package-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "[prepare] npm ci…"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
else
  echo "[prepare] npm packages up to date"
fi
bash scripts/provision-servers.sh
bash scripts/provision-postgres.sh
# The build only when something it is made from changed since the last one (a warm run skips it).
stamp="dist/.built-from"
if [[ ! -f "$stamp" || -n "$(find src tsconfig.json package-lock.json -newer "$stamp" -print -quit)" ]]; then
  echo "[prepare] build…"
  npm run --silent build >/dev/null
  touch "$stamp"
else
  echo "[prepare] dist/ up to date"
fi
export SLA_PREPARED=1
