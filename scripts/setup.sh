#!/usr/bin/env bash
# One-time (idempotent) set-up of a checkout: npm ci with a from-source better-sqlite3 build against the local Node
# headers (nothing is downloaded but npm packages), then the pinned Temporal binaries into .temporal/.
#
#   bash scripts/setup.sh            # used by the README's two commands and by .ci/run
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# node-gyp must use the running Node's own headers (<prefix>/include/node, e.g. /usr for /usr/bin/node) instead of
# downloading them; build_from_source skips prebuild-install's download attempt (there may be no internet). Only the
# native build steps get these settings (npm 11 warns about them as unknown configs elsewhere).
NODE_PREFIX="$(dirname "$(dirname "$(node -p process.execPath)")")"
NATIVE_BUILD_ENV=(npm_config_build_from_source=true)
if [ -d "$NODE_PREFIX/include/node" ]; then
  NATIVE_BUILD_ENV+=("npm_config_nodedir=$NODE_PREFIX")
else
  echo "setup: note: no $NODE_PREFIX/include/node; node-gyp will try to download Node headers" >&2
fi

env "${NATIVE_BUILD_ENV[@]}" npm ci --no-audit --no-fund
if ! node -e "require('better-sqlite3')(':memory:').close()" 2>/dev/null; then
  echo "setup: better-sqlite3 did not load; rebuilding it from source" >&2
  env "${NATIVE_BUILD_ENV[@]}" npm rebuild better-sqlite3 --build-from-source
  node -e "require('better-sqlite3')(':memory:').close()"
fi
bash temporal/install.sh --quiet
echo "setup: done (node $(node --version), $(./.temporal/bin/temporal --version 2>/dev/null | head -n1))"
