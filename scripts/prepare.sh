# Sourced by scripts/test.sh and scripts/demo.sh: tools on PATH, dependencies installed, package built.
# shellcheck shell=bash
source scripts/toolchain/with-env.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[prepare] installing dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund >&2
fi
echo "[prepare] building (tsc)" >&2
npx tsc -p tsconfig.json
# Programs under this folder (examples/, the engine tests' work dirs) resolve the package by name,
# as an installed user's program would, through node_modules/pulumi-aws-config-aggregation.
node scripts/link-self.js
