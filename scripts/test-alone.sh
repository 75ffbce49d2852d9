#!/usr/bin/env bash
# Runs every test of the given files or folders alone, each in its own `vitest run FILE -t NAME`
# (no other test of its file before it), and lists the ones that fail so: a test that passes only
# after another one has run shares state it does not set up itself (docs/testing.md).
#   bash scripts/test-alone.sh test/workflow test/unit/policy.test.ts   (default: test/workflow)
# ALONE_JOBS=N runs N at a time (default 1); ALONE_ONLY=REGEX runs the matching ones only. Exit code 1 when a test fails alone, or when its name
# pattern selects other than exactly that one test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $# -gt 0 ]] || set -- test/workflow
logs="$(mktemp -d -t test-alone.XXXXXX)"
export logs

# One line per test: its file, a tab, its full name as an anchored pattern (vitest matches -t
# against the suite names and the test's name joined by spaces).
npx vitest list "$@" --json="$logs/list.json" >/dev/null
node -e '
  const { relative } = require("node:path");
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const t of JSON.parse(require("node:fs").readFileSync(process.env.logs + "/list.json", "utf8")))
    console.log(`${relative(process.cwd(), t.file)}\t^${escape(t.name.split(" > ").join(" "))}$`);
' >"$logs/tests.tsv"
# ALONE_ONLY=REGEX keeps the tests whose file and name match it (grep -E).
if [[ -n "${ALONE_ONLY:-}" ]]; then
  grep -E -- "$ALONE_ONLY" "$logs/tests.tsv" >"$logs/only.tsv" || true
  mv "$logs/only.tsv" "$logs/tests.tsv"
fi
echo "[alone] $(wc -l <"$logs/tests.tsv") tests; logs in $logs"

alone() {
  local file="${1%%$'\t'*}" pattern="${1#*$'\t'}" log summary started
  log="$logs/$(sha1sum <<<"$1" | cut -c1-12).log"
  started=$(date +%s)
  npx vitest run "$file" -t "$pattern" >"$log" 2>&1 || true
  summary="$(grep -a '^Tests: ' "$log" || echo 'no summary')"
  # Exactly this one test ran, and passed.
  if [[ "$summary" == "Tests: 1 passed, 0 failed, "* ]]; then
    printf 'ok    %4ss  %s  %s\n' "$(($(date +%s) - started))" "$file" "$pattern"
  else
    printf 'FAIL  %4ss  %s  %s  (%s; %s)\n' "$(($(date +%s) - started))" "$file" "$pattern" "$summary" "$log"
  fi
}
export -f alone
xargs -a "$logs/tests.tsv" -d '\n' -P "${ALONE_JOBS:-1}" -I{} bash -c 'alone "$1"' _ {} | tee "$logs/results.txt"
failed=$(grep -c '^FAIL' "$logs/results.txt" || true)
echo "[alone] $(grep -c '^ok' "$logs/results.txt" || true) passed alone, $failed failed"
[[ "$failed" -eq 0 ]]
