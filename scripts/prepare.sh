#!/usr/bin/env bash
# Makes a checkout ready to run: npm packages (when package-lock.json changed), the Temporal
# servers (scripts/provision-servers.sh, cached outside the repo), PostgreSQL for the ledger's
# tests (scripts/provision-postgres.sh) and the build in dist/.
# Sourced by scripts/up.sh and scripts/test.sh, so that each is one command on a fresh machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

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
echo "[prepare] build…"
npm run --silent build >/dev/null
