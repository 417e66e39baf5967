#!/usr/bin/env bash
# Times how long a stalled AWS endpoint holds a preview or an up, and the first Ctrl-C, at the
# provider's default limits (bench/failures.ts; a few minutes on 2 CPUs), and writes its section of
# BENCHMARKS.md.
#   bash scripts/bench-failures.sh [--sizes 1,8,20] [--out BENCHMARKS.md]
# Sets up what it needs first (Node >= 22, the Pulumi CLI, moto; see scripts/toolchain/setup.sh) and builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/prepare.sh
node dist/bench/run.js --section failures "$@"
