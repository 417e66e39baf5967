#!/usr/bin/env bash
# Runs the test tiers: lint (formatters and linters, scripts/lint.sh), unit (no network), provider
# (against moto), engine (the real pulumi CLI).
#   bash scripts/test.sh [all|lint|unit|provider|engine] [extra mocha args]
# Sets up everything it needs first (Node >= 22, the Pulumi CLI, moto, and for the lint tier its
# linters; see scripts/toolchain/), installs dependencies when missing, builds, and ends with one
# line "N passed, N failed" (each lint check counts as one test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tier="${1:-all}"
shift || true
case "$tier" in all) tiers=(lint unit provider engine) ;; lint | unit | provider | engine) tiers=("$tier") ;; *)
    echo "usage: scripts/test.sh [all|lint|unit|provider|engine]" >&2
    exit 2
    ;;
esac

case " ${tiers[*]} " in *" lint "*) export PACA_LINT_TOOLS=1 ;; esac
source scripts/prepare.sh

passed=0
failed=0
status=0
log=$(mktemp)
for t in "${tiers[@]}"; do
    echo "=== tier: $t ==="
    if [ "$t" = lint ]; then
        set +e
        bash scripts/lint.sh 2>&1 | tee "$log"
        rc=${PIPESTATUS[0]}
        set -e
        counts=$(grep -E '^lint: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
        p=$(echo "$counts" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || true)
        f=$(echo "$counts" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || true)
        passed=$((passed + ${p:-0}))
        failed=$((failed + ${f:-0}))
        if [ "$rc" -ne 0 ]; then
            status=1
            [ -n "$f" ] && [ "$f" -gt 0 ] || failed=$((failed + 1)) # crashed before counting
        fi
        continue
    fi
    # The unit and provider tiers run under the leak scan: every message the code under test produces
    # is recorded, and the run fails if one holds a test's fake secret (test/harness/leaks.ts).
    hooks=()
    if [ "$t" = unit ] || [ "$t" = provider ]; then hooks=(--require dist/test/harness/leaks.js); fi
    set +e
    npx mocha --color --timeout 60000 "${hooks[@]}" "dist/test/$t/**/*.test.js" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    p=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo '^ *[0-9]+ passing' | grep -Eo '[0-9]+' | tail -1 || true)
    f=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo '^ *[0-9]+ failing' | grep -Eo '[0-9]+' | tail -1 || true)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ]; then
        status=1
        [ -n "$f" ] || failed=$((failed + 1)) # the tier crashed before counting
    fi
done
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
