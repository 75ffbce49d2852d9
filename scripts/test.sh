#!/usr/bin/env bash
# Quick start, command 2: every test — unit, workflow (time-skipping server), integration (dev
# server), end-to-end (`sla up`, the CLI). Extra arguments go to vitest (a file, -t NAME…).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
bash "$(dirname "${BASH_SOURCE[0]}")/provision-test-tools.sh"
exec npx vitest run "$@"
