#!/usr/bin/env bash
# Benchmarks the package against moto under the real pulumi CLI, side by side with floors of no-op
# dynamic resources, and writes BENCHMARKS.md, one section after another:
# bench/run.ts runs each section (its flags: the comment at the top of bench/<section>.ts):
#   main          bench/main.ts: N = 1, 50, 200 from one account (about 10 minutes on 2 CPUs); it also
#                 writes bench/summary.json, from which `npm run bench:report` renders the file again
#   landing-zone  bench/landing-zone.ts: N = 1,000 over 10 accounts through roles, under a rate limit
#                 and under latency (about 10 more minutes)
#   organization  bench/organization.ts: 300 accounts × 17 regions through roles (SourceAccountAuthorizations),
#                 beside the lean floor and the pulumi-aws shape sampled at N = 250, 500, 1000 (the longest);
#                 --latency-ms 0,100,250 runs ours at each delay added to every AWS call, side by side
#   failures      bench/failures.ts: a stalled endpoint and the first Ctrl-C (not run by default;
#                 npm run bench:failures runs it)
#
#   bash scripts/bench.sh [options of the main section, e.g. --sizes 1,50 --reps 1 --no-rate-limit]
#   LANDING_ZONE="--n 300 --accounts 10" bash scripts/bench.sh   # options of the landing-zone section; "skip" skips it
#   ORGANIZATION="--accounts 20 --regions 3" bash scripts/bench.sh   # options of the organization section; "skip" skips it
#   bash scripts/bench.sh --section organization [--accounts 300 --regions 17 --floor-sizes 250,500,1000 ...]
#                         # one section only, the other options its own (npm run bench -- --section organization ...)
# Every section takes --raw [dir]: every sample as well, to dir (default .bench-raw/, not in git).
# Sets up what it needs first (Node >= 22, the Pulumi CLI, moto; see scripts/toolchain/setup.sh) and builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

section=""
args=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --section)
            section="${2:?--section takes main, landing-zone, organization or failures}"
            shift 2
            ;;
        --section=*)
            section="${1#--section=}"
            shift
            ;;
        *)
            args+=("$1")
            shift
            ;;
    esac
done
case "$section" in "" | main | landing-zone | organization | failures) ;; *)
    echo "scripts/bench.sh: --section takes main, landing-zone, organization or failures, got '$section'" >&2
    exit 2
    ;;
esac

source scripts/prepare.sh

if [ -n "$section" ]; then
    exec node dist/bench/run.js --section "$section" ${args[@]+"${args[@]}"}
fi

status=0
node dist/bench/run.js ${args[@]+"${args[@]}"} || status=$?
if [ "${LANDING_ZONE:-}" != skip ]; then
    # shellcheck disable=SC2086 # the options are words
    node dist/bench/run.js --section landing-zone ${LANDING_ZONE:-} || status=$?
fi
if [ "${ORGANIZATION:-}" != skip ]; then
    # shellcheck disable=SC2086 # the options are words
    node dist/bench/run.js --section organization ${ORGANIZATION:-} || status=$?
fi
exit "$status"
