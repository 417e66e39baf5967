#!/usr/bin/env bash
# Benchmarks the package against moto under the real pulumi CLI, side by side with the engine floor
# (no-op dynamic resources), and writes BENCHMARKS.md. Takes about 10 minutes on 2 CPUs.
#   bash scripts/bench.sh [options of bench/run.ts, e.g. --sizes 1,50 --reps 1 --no-rate-limit]
# Sets up what it needs first (Node >= 22, the Pulumi CLI, moto; see scripts/toolchain/setup.sh) and builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/prepare.sh
node dist/bench/run.js "$@"
