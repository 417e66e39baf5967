#!/usr/bin/env bash
# The lint tier: every formatter and linter of the repository, each reported as one check.
#   bash scripts/lint.sh      (run by scripts/test.sh lint, i.e. `npm run lint` and the first tier of `npm test`)
# Expects the toolchain on PATH with the lint tools (scripts/test.sh sources scripts/prepare.sh with
# PACA_LINT_TOOLS=1 first). Ends with one line "lint: N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

passed=0
failed=0
check() { # check NAME CMD [ARGS...]: run one check, report it with its time
    local name=$1 t0 t1 rc
    shift
    t0=$(date +%s%N)
    "$@"
    rc=$?
    t1=$(date +%s%N)
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        printf 'ok    %-40s %5d ms\n' "$name" $(((t1 - t0) / 1000000))
    else
        failed=$((failed + 1))
        printf 'FAIL  %-40s %5d ms\n' "$name" $(((t1 - t0) / 1000000))
    fi
}

# Shell scripts of the repository: *.sh, and files whose first line is a sh/bash shebang.
shell_scripts() {
    git ls-files --cached --others --exclude-standard 2>/dev/null | while IFS= read -r f; do
        [ -f "$f" ] || continue
        case "$f" in
            *.sh) echo "$f" ;;
            *) head -n 1 "$f" 2>/dev/null | grep -Eq '^#!.*[/ ](ba|da)?sh( |$)' && echo "$f" ;;
        esac
    done
}

run_shellcheck() {
    local files
    mapfile -t files < <(shell_scripts)
    [ "${#files[@]}" -gt 0 ] || {
        echo "shellcheck: no shell scripts found (not a git checkout?)" >&2
        return 1
    }
    shellcheck --external-sources "${files[@]}"
}

run_gofmt() {
    local out
    out=$(gofmt -l scripts/toolchain/langhost) || return 1
    [ -z "$out" ] || {
        echo "gofmt would reformat (run: gofmt -w scripts/toolchain/langhost):" >&2
        echo "$out" >&2
        return 1
    }
}

# go vet needs the language host's imports resolved: vet a copy inside a copy of the wrapper module
# that scripts/toolchain/build-pulumi.sh built it in (same go.mod/go.sum, module cache already filled).
run_go_vet() {
    local mod=${PACA_PULUMI_GO_MODULE:-} tmp rc
    [ -f "$mod/go.mod" ] && [ -f "$mod/go.sum" ] || {
        echo "go vet: no wrapper module at '${mod}' (run scripts/toolchain/setup.sh)" >&2
        return 1
    }
    tmp=$(mktemp -d)
    cp "$mod/go.mod" "$mod/go.sum" "$tmp/" && mkdir "$tmp/langhost" && cp scripts/toolchain/langhost/*.go "$tmp/langhost/"
    (cd "$tmp" && go vet ./langhost)
    rc=$?
    rm -rf "$tmp"
    return "$rc"
}

check "prettier --check" npx prettier --check --log-level warn .
check "eslint" npx eslint .
check "shellcheck (all shell scripts)" run_shellcheck
check "gofmt -l (language host)" run_gofmt
check "go vet (language host)" run_go_vet
check "actionlint (examples/github-actions)" actionlint examples/github-actions/*.yml
check "IAM policies (examples/github-actions)" node scripts/check-iam-policies.js

echo "lint: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
