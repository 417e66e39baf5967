#!/usr/bin/env bash
# scripts/toolchain/with-env.sh — run a command with the project's development toolchain on PATH.
#
#   bash scripts/toolchain/with-env.sh CMD [ARGS...]
#                                            run setup.sh (progress on stderr), then exec CMD with:
#                                            PATH = <node>=22 bin> : <pulumi v<locked> bin> : <moto bin> : $PATH
#                                            (pulumi bin also holds pulumi-language-nodejs and
#                                            pulumi-resource-pulumi-nodejs), PULUMI_SKIP_UPDATE_CHECK=true;
#                                            PACA_PULUMI_GO_MODULE (the module go vet checks the language
#                                            host in); with PACA_LINT_TOOLS=1, shellcheck and actionlint too
#   source scripts/toolchain/with-env.sh     (no arguments) run setup and export the same into the current shell
#
# Entries that are not needed (e.g. the machine's node is already >= 22, moto_server already on PATH) are
# left out of PATH. Setup's own knobs (PACA_CACHE, PACA_PULUMI_VERSION, PACA_LINT_TOOLS, ...) are described
# in setup.sh.

_paca_with_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_paca_env="$(bash "$_paca_with_env_dir/setup.sh" --print-env)" || {
  echo "[setup] scripts/toolchain/setup.sh failed" >&2
  unset _paca_with_env_dir _paca_env
  if [ "${BASH_SOURCE[0]}" != "$0" ]; then return 1; else exit 1; fi
}
eval "$_paca_env"
unset _paca_with_env_dir _paca_env

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # sourced: the environment is now exported into the caller's shell
  return 0
fi
if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/toolchain/with-env.sh CMD [ARGS...]   or   source scripts/toolchain/with-env.sh" >&2
  exit 2
fi
exec "$@"
