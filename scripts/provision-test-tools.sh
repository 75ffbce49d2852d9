#!/usr/bin/env bash
# Installs the command-line tools the tests use as a user would, when missing (Debian, as root):
#   - curl and jq: the README walk-through (test/e2e/walkthrough.test.ts) runs its blocks verbatim;
#   - chromium: the monthly report's HTML page is rendered headless and its screenshot checked
#     (test/e2e/report-cli.test.ts), since "renders" is what finance needs of it.
# Run by scripts/test.sh (so by CI); not by `sla up`, which needs none of them.
set -euo pipefail
need=()
command -v curl >/dev/null || need+=(curl)
command -v jq >/dev/null || need+=(jq)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ ${#need[@]} -eq 0 ]] && exit 0
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[provision] the tests need: ${need[*]} (Debian: apt-get install ${need[*]})" >&2
  exit 1
fi
echo "[provision] apt-get install ${need[*]} (a minute or two when cold)..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
