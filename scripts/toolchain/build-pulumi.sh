#!/usr/bin/env bash
# Called by setup.sh beside it (under its lock): build-pulumi.sh VERSION DEST_DIR LANGHOST_RECIPE
# Builds `pulumi` and `pulumi-language-nodejs` (+ the dynamic-provider shim) into DEST_DIR/bin atomically
# (temp dir, then rename).
#
# `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@vX` is refused because pulumi's go.mod files carry
# replace directives, so a throwaway wrapper main module (in the cache, never in the repo) requires
# pkg/v3 and sdk/v3 at the release version and repeats their non-local replaces.
set -euo pipefail
V="$1"; DEST="$2"; RECIPE="$3"
SETUP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { echo "[setup] $*" >&2; }
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

command -v go >/dev/null || { [ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"; }
command -v go >/dev/null || die "go is needed to build the Pulumi CLI (expected /usr/local/go/bin/go)"

PKG=github.com/pulumi/pulumi/pkg/v3
SDK=github.com/pulumi/pulumi/sdk/v3
LH=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$V"

W="$DEST.build"          # wrapper module (kept: a rebuild after a failed attempt reuses its go.sum)
mkdir -p "$W"
cd "$W"
T0=$(date +%s)

json_field() { # json_field FIELD < json  (tolerates several concatenated objects: prints one value per line)
  node -e '
    let s = require("fs").readFileSync(0, "utf8"), f = process.argv[1], out = [];
    for (const m of s.split(/\n}\n?/)) { if (!m.trim()) continue;
      try { const o = JSON.parse(m + "\n}"); const v = f.split(".").reduce((a, k) => a && a[k], o); if (v) out.push(v); } catch {} }
    console.log(out.join("\n"));' "$1"
}

say "pulumi: resolving $PKG@v$V and $SDK@v$V on the Go module proxy"
DL="$(go mod download -json "$PKG@v$V" "$SDK@v$V" 2>&1)" || true
if printf '%s' "$DL" | grep -q '"Error"'; then
  say "pulumi: the Go module proxy does not serve these versions:"
  printf '%s\n' "$DL" | grep '"Error"' | sed 's/^/[setup]   /' >&2
  die "pin @pulumi/pulumi to a version that exists both on npm and on the Go module proxy (3.260.0 works here)"
fi
mapfile -t GOMODS < <(printf '%s' "$DL" | json_field GoMod)
RELEASE_COMMIT="$(printf '%s' "$DL" | json_field Origin.Hash | head -1)"

# ---- wrapper go.mod -----------------------------------------------------------------------------------
rm -f go.mod tools.go
go mod init paca.local/pulumi-build >/dev/null 2>&1
go mod edit -go="$(go mod edit -json "${GOMODS[0]}" | json_field Go)" -require="$PKG@v$V" -require="$SDK@v$V"
# Repeat the NON-local replaces of pkg/v3 and sdk/v3 (local ones such as sdk/v3 => ../sdk are skipped).
for gm in "${GOMODS[@]}"; do
  go mod edit -json "$gm" | node -e '
    const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of o.Replace || []) if (r.New.Version)
      console.log(r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "") + "=" + r.New.Path + "@" + r.New.Version);'
done | sort -u > replaces.txt
while read -r r; do [ -n "$r" ] && go mod edit -replace="$r"; done < replaces.txt
say "pulumi: wrapper module $W (replaces: $(tr '\n' ' ' < replaces.txt))"

# ---- which language host -------------------------------------------------------------------------------
# Preferred: the official module at the release tag's commit (pseudo-version). The module proxy of this
# workplace refuses that module at every version (403), so the fallback is the project's own minimal
# language host in langhost/ beside this script, compiled against sdk/v3@v$V (see its README.md).
LH_MODE=own
if [ -n "$RELEASE_COMMIT" ] && [ "${PACA_LANGHOST:-auto}" != own ]; then
  if LHJ="$(go mod download -json "$LH@$RELEASE_COMMIT" 2>&1)" && ! printf '%s' "$LHJ" | grep -q '"Error"'; then
    LH_VER="$(printf '%s' "$LHJ" | json_field Version)"
    go mod edit -require="$LH@$LH_VER"
    LH_MODE=official
    say "pulumi: official language host $LH@$LH_VER (release commit ${RELEASE_COMMIT:0:12})"
  else
    say "pulumi: official $LH@${RELEASE_COMMIT:0:12} not served by the module proxy ($(printf '%s' "$LHJ" | grep -o '"Error": *"[^"]*' | head -1 | sed 's/.*\.info: //; s/\\n\\t/ /g')); using scripts/toolchain/langhost"
  fi
fi
if [ "$LH_MODE" = own ]; then
  mkdir -p langhost
  cp "$SETUP_DIR"/langhost/*.go langhost/
  LH_PKG=paca.local/pulumi-build/langhost
else
  rm -rf langhost
  LH_PKG=$LH
fi
cat > tools.go <<EOF
//go:build tools

package tools

import (
	_ "$PKG/cmd/pulumi"
	_ "$LH_PKG"
)
EOF

say "pulumi: go mod tidy (downloads modules on a cold Go module cache)"
go mod tidy >tidy.log 2>&1 || { tail -20 tidy.log >&2; die "go mod tidy failed (log: $W/tidy.log)"; }

# ---- build --------------------------------------------------------------------------------------------
TOTAL="$(go list -deps "$PKG/cmd/pulumi" "$LH_PKG" 2>/dev/null | wc -l)"
OUT="$(mktemp -d "$DEST.tmp.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
chmod 755 "$OUT"; mkdir -p "$OUT/bin"
say "pulumi: compiling ($TOTAL packages incl. std; each compiled one is counted below, cached ones are not)"
: > build.log
(
  set -o pipefail
  go build -v -trimpath -ldflags "$LDFLAGS" -o "$OUT/bin/pulumi" "$PKG/cmd/pulumi" 2>>build.log &&
  go build -v -trimpath -ldflags "$LDFLAGS" -o "$OUT/bin/pulumi-language-nodejs" "$LH_PKG" 2>>build.log
) &
BPID=$!
last=0
while kill -0 "$BPID" 2>/dev/null; do
  sleep 2
  now=$(date +%s)
  if [ $(( now - last )) -ge 20 ]; then
    last=$now
    say "pulumi: still building: $(grep -c . build.log || true)/$TOTAL packages compiled ($(( now - T0 ))s)"
  fi
done
wait "$BPID" || { grep -v '^[a-zA-Z0-9_./-]*$' build.log | tail -30 >&2; die "go build failed (log: $W/build.log)"; }

install -m 755 "$SETUP_DIR/pulumi-resource-pulumi-nodejs" "$OUT/bin/pulumi-resource-pulumi-nodejs"
got="$("$OUT/bin/pulumi" version)"
[ "$got" = "v$V" ] || die "built pulumi reports '$got', expected v$V"
cat > "$OUT/BUILD-INFO" <<EOF
pulumi v$V built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(go version)
release commit: ${RELEASE_COMMIT:-unknown}
language host: $LH_MODE ($LH_PKG)
langhost recipe: $RECIPE
replaces: $(tr '\n' ' ' < replaces.txt)

EOF
rm -rf "$DEST.old"
[ -e "$DEST" ] && mv "$DEST" "$DEST.old"
mv "$OUT" "$DEST"
rm -rf "$DEST.old"
trap - EXIT
say "pulumi: built v$V in $(( $(date +%s) - T0 ))s -> $DEST/bin"
