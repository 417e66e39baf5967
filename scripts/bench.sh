#!/usr/bin/env bash
# Benchmarks the package against moto under the real pulumi CLI, side by side with the engine floor
# (no-op dynamic resources), and writes BENCHMARKS.md: bench/run.ts (N = 1, 50, 200 from one
# account; about 10 minutes on 2 CPUs), then bench/landing-zone.ts (N = 1,000 over 10 accounts
# reached through roles, under a rate limit and under latency; about 10 more minutes), which writes
# its own section of the file.
#   bash scripts/bench.sh [options of bench/run.ts, e.g. --sizes 1,50 --reps 1 --no-rate-limit]
#   LANDING_ZONE="--n 300 --accounts 10" bash scripts/bench.sh   # options of bench/landing-zone.ts; "skip" skips it
# Sets up what it needs first (Node >= 22, the Pulumi CLI, moto; see scripts/toolchain/setup.sh) and builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/prepare.sh
status=0
node dist/bench/run.js "$@" || status=$?
if [ "${LANDING_ZONE:-}" != skip ]; then
    # shellcheck disable=SC2086 # the options are words
    node dist/bench/landing-zone.js ${LANDING_ZONE:-} || status=$?
fi
exit "$status"
