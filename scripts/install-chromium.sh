#!/usr/bin/env bash
# Debian's chromium for the dashboard's browser test (test/dashboard/browser.test.ts, driven by playwright-core; no
# browser download of playwright's own). Installs it with apt-get when `chromium` is missing (root, as on CI and the
# developers' machines); does nothing when it is there. Prints the binary it found.
set -euo pipefail
find_chromium() { command -v chromium || command -v chromium-browser || true; }
bin="$(find_chromium)"
if [ -z "$bin" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "install-chromium: chromium is missing and this is not root: run 'sudo apt-get install -y chromium'" >&2
    exit 1
  fi
  echo "install-chromium: installing Debian's chromium (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium > /dev/null
  bin="$(find_chromium)"
fi
[ -n "$bin" ] || { echo "install-chromium: chromium still not found after the install" >&2; exit 1; }
echo "install-chromium: $bin ($("$bin" --version 2> /dev/null || echo 'version unknown'))"
