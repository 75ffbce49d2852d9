#!/usr/bin/env bash
# Quick start, command 1: the whole system on embedded defaults (README, Quick start).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
exec node bin/sla up "$@"
